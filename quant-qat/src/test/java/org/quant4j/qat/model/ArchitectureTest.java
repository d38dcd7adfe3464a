package org.quant4j.qat.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.nn.Parameter;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quant4j.qat.train.TorchRuntime;

class ArchitectureTest {

    @BeforeAll
    static void engine() {
        TorchRuntime.engine(2);
    }

    private static Shape outputOf(Architecture a, int batch) {
        try (NDManager m = NDManager.newBaseManager(TorchRuntime.ENGINE)) {
            Block block = a.newBlock();
            block.setInitializer(new NormalInitializer(0.1f), Parameter.Type.WEIGHT);
            block.initialize(m, DataType.FLOAT32, a.inputShape(batch));
            NDArray x = m.randomUniform(0, 1, a.inputShape(batch));
            Shape actual = block.forward(new ParameterStore(m, false), new NDList(x), false).singletonOrThrow().getShape();
            assertEquals(block.getOutputShapes(new Shape[] {a.inputShape(batch)})[0], actual);
            return actual;
        }
    }

    @Test
    void everyFamilyMapsImagesToOneScorePerClassAtAnyResolution() {
        assertEquals(new Shape(3, 10), outputOf(ResNetStyle.builder().widths(4, 8, 8).blocksPerStage(2).build(), 3));
        assertEquals(new Shape(2, 7), outputOf(ResNetStyle.builder().inputChannels(3).imageSize(32).numClasses(7)
                .stemStride(2).widths(4, 8).build(), 2));
        assertEquals(new Shape(2, 10), outputOf(VggStyle.builder().widths(4, 8, 8).convsPerStage(2).batchNorm(false)
                .hiddenUnits(8).build(), 2));
        assertEquals(new Shape(2, 5), outputOf(EfficientNetStyle.builder().imageSize(20).numClasses(5).stemWidth(8)
                .stages(List.of(new MbConvStage(1, 3, 1, 8, 1), new MbConvStage(3, 5, 2, 8, 2))).headWidth(16).build(),
                2));
    }

    @Test
    void mbConvHasAResidualOnlyWhenStrideIsOneAndWidthUnchanged() {
        MbConvStage stage = new MbConvStage(4, 3, 1, 16, 1);
        assertInstanceOf(ResidualBlock.class, EfficientNetStyle.mbConv(16, stage, 1));
        assertInstanceOf(SequentialBlock.class, EfficientNetStyle.mbConv(16, stage, 2));
        assertInstanceOf(SequentialBlock.class, EfficientNetStyle.mbConv(8, stage, 1));
    }

    @Test
    void mbConvSqueezesToAQuarterOfItsInputChannels() {
        SequentialBlock main = (SequentialBlock) ((ResidualBlock) EfficientNetStyle.mbConv(16,
                new MbConvStage(4, 3, 1, 16, 1), 1)).main();
        SqueezeExcitation se = main.getChildren().values().stream().filter(SqueezeExcitation.class::isInstance)
                .map(SqueezeExcitation.class::cast).findFirst().orElseThrow();
        assertEquals(64, se.channels());
        assertEquals(4, se.squeezeChannels());
    }

    @Test
    void functionLayersComputeTheirFunction() {
        try (NDManager m = NDManager.newBaseManager(TorchRuntime.ENGINE)) {
            NDArray x = m.create(new float[] {-2, 0, 1, 3}, new Shape(1, 1, 2, 2));
            assertEquals(List.of(0f, 0f, 1f, 3f), boxed(FunctionLayer.relu().apply(x)));
            float s2 = (float) (1 / (1 + Math.exp(-3)));
            assertEquals(3 * s2, FunctionLayer.silu().apply(x).toFloatArray()[3], 1e-6);
            assertEquals(s2, FunctionLayer.sigmoid().apply(x).toFloatArray()[3], 1e-6);
            assertEquals(List.of(3f), boxed(FunctionLayer.maxPool(2, 2).apply(x)));
            NDArray pooled = FunctionLayer.globalAveragePool().apply(x);
            assertEquals(new Shape(1, 1, 1, 1), pooled.getShape());
            assertEquals(0.5f, pooled.toFloatArray()[0], 1e-7);
            assertEquals(new Shape(1, 4), FunctionLayer.flatten().apply(x).getShape());
        }
    }

    private static List<Float> boxed(NDArray a) {
        float[] v = a.toFloatArray();
        Float[] b = new Float[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = v[i];
        }
        return List.of(b);
    }

    @Test
    void invalidSizesAreRejectedWithTheSetting() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ResNetStyle.builder().blocksPerStage(0).build());
        assertTrue(e.getMessage().contains("Blocks per stage"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> VggStyle.builder().widths(8, 8, 8, 8, 8, 8).build());
        assertThrows(IllegalArgumentException.class, () -> VggStyle.builder().dropout(1f).build());
        assertThrows(IllegalArgumentException.class, () -> new MbConvStage(4, 4, 1, 16, 1));
        assertThrows(IllegalArgumentException.class, () -> EfficientNetStyle.builder().stages(List.of()).build());
    }
}
