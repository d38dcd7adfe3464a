package org.quant4j.qat.cost;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.function.LongFunction;
import org.junit.jupiter.api.Test;
import org.quant4j.onnx.builder.ArchitectureGraphs;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.TinyModels;
import org.quant4j.qat.export.OnnxExporter;
import org.quant4j.qat.train.ClassifierTraining;
import org.quant4j.qat.train.TrainingLoop;
import org.quant4j.qat.train.TrainedModel;

class ModelCostTest {

    /** Parameter counts of torchvision's models (sum of p.numel() over model.parameters()). */
    @Test
    void fullSizeGraphsHaveThePublishedParameterCounts() {
        assertCost(ArchitectureGraphs::resNet18, 11_689_512L, 1.814e9);
        assertCost(ArchitectureGraphs::resNet50, 25_557_032L, 4.089e9);
        assertCost(ArchitectureGraphs::efficientNetB0, 5_288_548L, 0.386e9);
    }

    @Test
    void vgg16HasThePublishedParameterCount() {
        assertCost(ArchitectureGraphs::vgg16, 138_357_544L, 15.47e9);
    }

    /** MACs are checked against the published GFLOPS (torchvision counts one multiply-add as one FLOP) within 1%. */
    private static void assertCost(LongFunction<ModelProto> graph, long parameters, double macs) {
        ModelCost cost = ModelCost.of(OnnxModel.of(graph.apply(1)));
        assertEquals(parameters, cost.parameters());
        assertEquals(macs, cost.macs(), macs * 0.01);
    }

    @Test
    void tinyResNetCostIsTheHandCount() {
        try (TrainedModel m = ClassifierTraining.train(TinyModels.resNet(), TinyModels.train(), TinyModels.test(),
                TinyModels.shortRun(1).epochs(1).cosineSchedule(0, 0).build())) {
            ModelCost cost = ModelCost.of(OnnxExporter.export(m.block(), m.architecture(), "tiny"));
            assertEquals(TrainingLoop.parameterCount(m.block()), cost.parameters());
            // stem 28*28*4*9; two 4->4 convs at 28x28, 28*28*4*36 each; at 14x14: 4->8 3x3 (14*14*8*36),
            // 8->8 3x3 (14*14*8*72), 1x1 shortcut (14*14*8*4); linear 8*10.
            long macs = 28 * 28 * 4 * 9 + 2 * 28 * 28 * 4 * 36 + 14 * 14 * 8 * 36 + 14 * 14 * 8 * 72 + 14 * 14 * 8 * 4
                    + 80;
            assertEquals(macs, cost.macs());
        }
    }
}
