package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;

class ActivationAbsorptionTest {

    private static ActivationAbsorption.Result absorb(QdqTestGraphs.Chain chain, QuantizationConfig config,
            Set<String> quantized) {
        return new ActivationAbsorption(chain.graph(), new QdqOverrides(config), chain.observed()).absorb(quantized);
    }

    @Test
    void reluAfterAQuantizedConvIsAbsorbedWithUint8Activations() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        ActivationAbsorption.Result r = absorb(chain, QuantizationConfig.builder().build(), Set.of(chain.node("Conv")));

        assertEquals(List.of(new QdqPlan.Absorption(chain.node("Relu"), chain.node("Conv"), chain.c(), chain.r())),
                r.absorptions());
        NodeDecision d = r.decisions().get(0);
        assertEquals(Action.FOLDED, d.action());
        // uint8 asymmetric over [0, 3]: zero point 0, the lowest level.
        assertTrue(d.reason().contains("its zero point 0 is the lowest level"), d.reason());
    }

    @Test
    void reluStaysWithInt8SymmetricActivations() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        ActivationAbsorption.Result r = absorb(chain,
                QuantizationConfig.builder().activationScheme(QuantScheme.INT8_SYMMETRIC).build(),
                Set.of(chain.node("Conv")));

        assertEquals(List.of(), r.absorptions());
        assertEquals(Action.SKIPPED, r.decisions().get(0).action());
        // Symmetric: zero point 0 while the lowest level is -128.
        assertTrue(r.decisions().get(0).reason().contains("zero point of its output is 0, not the lowest level -128"),
                r.decisions().get(0).reason());
    }

    @Test
    void reluAfterAFloatOpStays() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        ActivationAbsorption.Result r = absorb(chain, QuantizationConfig.builder().build(), Set.of());

        assertEquals(List.of(), r.absorptions());
        assertTrue(r.decisions().get(0).reason().contains("which is not quantized"), r.decisions().get(0).reason());
    }

    @Test
    void reluWhoseInputIsReadTwiceStays() {
        GraphBuilder b = GraphBuilder.create("branch");
        String x = b.input("x", 1, 1, 2, 2);
        String c = b.conv(x, new FloatTensor(new long[] {1, 1, 1, 1}, new float[] {1f}), null, ConvOptions.of(1, 0));
        String r = b.relu(c);
        b.output(b.add(c, r));
        Map<String, TensorRange> observed = Map.of(x, new TensorRange(0, 1), c, new TensorRange(-1, 1), r,
                new TensorRange(0, 1));
        ActivationAbsorption.Result result = new ActivationAbsorption(b.graph(),
                new QdqOverrides(QuantizationConfig.builder().build()), observed)
                .absorb(Set.of(QdqTestGraphs.nodeOf(b.graph(), "Conv")));

        assertEquals(List.of(), result.absorptions());
        assertTrue(result.decisions().get(0).reason().contains("is also read elsewhere"));
    }

    @Test
    void clipsWithinComparesTheIntegerRangeWithTheBoundsUpToHalfAStep() {
        QuantParams relu6 = QuantParams.forRange(new TensorRange(0, 6), QuantScheme.UINT8_ASYMMETRIC);
        assertTrue(ActivationAbsorption.clipsWithin(relu6, new double[] {0, 6}));
        // Levels reach 6, above a bound of 5 by far more than half a step (6 / 255 / 2).
        assertFalse(ActivationAbsorption.clipsWithin(relu6, new double[] {0, 5}));
        QuantParams wide = QuantParams.forRange(new TensorRange(-1, 3), QuantScheme.UINT8_ASYMMETRIC);
        assertFalse(ActivationAbsorption.clipsWithin(wide, new double[] {0, Double.POSITIVE_INFINITY}));
    }

    @Test
    void onlyAsymmetricReluAfterAComputeOpIsCalibratedLate() {
        QdqTestGraphs.Chain chain = QdqTestGraphs.chain();
        Set<String> candidates = QdqSelection.candidateTensors(chain.graph(), QuantizationConfig.builder().build());

        assertEquals(Map.of(chain.c(), chain.r()), ActivationAbsorption.absorbablePreActivations(chain.graph(),
                QuantizationConfig.builder().build(), candidates));
        assertEquals(Map.of(), ActivationAbsorption.absorbablePreActivations(chain.graph(),
                QuantizationConfig.builder().activationScheme(QuantScheme.INT8_SYMMETRIC).build(), candidates));
    }
}
