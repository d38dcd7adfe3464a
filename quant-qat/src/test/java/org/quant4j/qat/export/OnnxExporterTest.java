package org.quant4j.qat.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.SequentialBlock;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.qat.TinyModels;
import org.quant4j.qat.model.Architecture;
import org.quant4j.qat.train.ClassifierTraining;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TrainedModel;
import org.quant4j.qat.train.TorchRuntime;

class OnnxExporterTest {

    private static final int IMAGES = 64;

    @Test
    void exportedResNetMatchesDjl() {
        assertExportMatches(TinyModels.resNet(), Set.of("Conv", "BatchNormalization", "Relu", "Add",
                "GlobalAveragePool", "Flatten", "Gemm"));
    }

    @Test
    void exportedVggMatchesDjlWithDropoutDropped() {
        assertExportMatches(TinyModels.vgg(), Set.of("Conv", "BatchNormalization", "Relu", "MaxPool", "Flatten",
                "Gemm"));
    }

    @Test
    void exportedEfficientNetMatchesDjl() {
        assertExportMatches(TinyModels.efficientNet(), Set.of("Conv", "BatchNormalization", "Sigmoid", "Mul", "Add",
                "GlobalAveragePool", "Flatten", "Gemm"));
    }

    @Test
    void lambdaBlocksAreRejectedByName() {
        TorchRuntime.engine(2);
        SequentialBlock block = new SequentialBlock().add(Activation.reluBlock());
        try (var manager = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
            block.initialize(manager, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(1, 1, 4, 4));
            ModelException e = assertThrows(ModelException.class,
                    () -> OnnxExporter.export(block, new long[] {-1, 1, 4, 4}, "lambda"));
            assertTrue(e.getMessage().contains("LambdaBlock"), e.getMessage());
            assertTrue(e.getMessage().contains("FunctionLayer"), e.getMessage());
        }
    }

    /**
     * Trains a few steps (so batch-norm statistics move away from their initial 0 and 1), exports,
     * and compares ONNX Runtime's logits with DJL's on test images.
     */
    private static void assertExportMatches(Architecture architecture, Set<String> expectedOps) {
        InMemoryImages test = TinyModels.test();
        try (TrainedModel trained = ClassifierTraining.train(architecture, TinyModels.train(), test,
                TinyModels.shortRun(5).build())) {
            OnnxModel model = OnnxExporter.export(trained.block(), architecture, "tiny");
            Set<String> ops = model.proto().getGraph().getNodeList().stream().map(n -> n.getOpType())
                    .collect(Collectors.toSet());
            assertEquals(expectedOps, ops);
            assertFalse(model.graph().nodes().stream().anyMatch((Node n) -> n.is("Dropout")));

            int[] indices = test.allIndices();
            float[] images;
            try (var manager = ai.djl.ndarray.NDManager.newBaseManager("PyTorch")) {
                images = test.images(manager, indices, 0, IMAGES).toFloatArray();
            }
            float[] djl = trained.logits(images, IMAGES);
            Map<String, FloatTensor> out;
            try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
                out = runner.run(Map.of(OnnxExporter.INPUT, new FloatTensor(new long[] {IMAGES, 1, 28, 28}, images)));
            }
            FloatTensor onnx = out.get(OnnxExporter.OUTPUT);
            assertEquals(djl.length, onnx.size());
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < djl.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(djl[i] - onnx.get(i)));
                maxAbs = Math.max(maxAbs, Math.abs(djl[i]));
            }
            assertTrue(maxAbs > 0.1, "logits are not degenerate: max |logit| " + maxAbs);
            assertTrue(maxDiff <= 1e-4, architecture.family() + ": max abs difference " + maxDiff);
        }
    }
}
