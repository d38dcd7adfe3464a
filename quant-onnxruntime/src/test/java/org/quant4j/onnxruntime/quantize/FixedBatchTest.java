package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.quantize.QuantizationTestSupport.write;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.quantize.QuantizationResult;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnxruntime.runtime.OrtEvaluator;

/** Models exported with a fixed batch dimension run in batches of that size, whatever the caller asks. */
class FixedBatchTest {

    @TempDir
    Path dir;

    /** The small CNN with the batch dimension of its input and output fixed to {@code batch}. */
    private static ModelProto withBatch(int batch) {
        ModelProto.Builder m = ReferenceGraphs.smallCnn(7).toBuilder();
        TensorShapeProto.Dimension fixed = TensorShapeProto.Dimension.newBuilder().setDimValue(batch).build();
        m.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0, fixed);
        TensorShapeProto.Builder output = m.getGraphBuilder().getOutputBuilder(0).getTypeBuilder()
                .getTensorTypeBuilder().getShapeBuilder();
        if (output.getDimCount() > 0) {
            output.setDim(0, fixed);
        }
        return m.build();
    }

    @Test
    void aBatchOfOneModelCalibratesAndEvaluatesWithTheDefaultBatchSizes() {
        Dataset data = QuantizationTestSupport.fashionMnist(0, 40);
        Path fixed = write(withBatch(1), dir.resolve("batch1.onnx"));
        Path dynamic = write(ReferenceGraphs.smallCnn(7), dir.resolve("dynamic.onnx"));
        QuantizationConfig config = QuantizationConfig.builder().build();
        // Min-max ranges do not depend on how the samples are batched: the two models must agree.
        QuantizationResult one = QuantizationTestSupport.quantize(fixed, dir.resolve("batch1-int8.onnx"), config, data);
        QuantizationResult any = QuantizationTestSupport.quantize(dynamic, dir.resolve("dyn-int8.onnx"), config, data);
        assertEquals(any.ranges(), one.ranges());
        try (OrtEvaluator evaluator = new OrtEvaluator()) {
            EvaluationResult a = evaluator.evaluate(EvaluationRequest.builder().model(one.output()).data(data)
                    .batchSize(256).build());
            EvaluationResult b = evaluator.evaluate(EvaluationRequest.builder().model(any.output()).data(data)
                    .batchSize(256).build());
            assertEquals(b.top1(), a.top1());
            assertEquals(40, a.predictions().size());
        }
    }

    @Test
    void aFixedBatchOfEightCalibratesOnWholeBatchesAndRefusesToEvaluateAPartialOne() {
        Dataset data = QuantizationTestSupport.fashionMnist(0, 20);
        Path fixed = write(withBatch(8), dir.resolve("batch8.onnx"));
        Path dynamic = write(ReferenceGraphs.smallCnn(7), dir.resolve("dynamic.onnx"));
        QuantizationConfig config = QuantizationConfig.builder().build();
        QuantizationResult eight = QuantizationTestSupport.quantize(fixed, dir.resolve("b8-int8.onnx"), config, data);
        // Two whole batches of 8 run; the last 4 samples are left out.
        Dataset first16 = Subset.of(data, java.util.stream.IntStream.range(0, 16).toArray());
        QuantizationResult sixteen = QuantizationTestSupport.quantize(dynamic, dir.resolve("d16-int8.onnx"), config,
                first16);
        assertEquals(sixteen.ranges(), eight.ranges());
        try (OrtEvaluator evaluator = new OrtEvaluator()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> evaluator.evaluate(
                    EvaluationRequest.builder().model(eight.output()).data(data).batchSize(32).build()));
            assertTrue(e.getMessage().contains("exactly 8") && e.getMessage().contains("multiple of 8"),
                    e.getMessage());
            assertEquals(16, evaluator.evaluate(EvaluationRequest.builder().model(eight.output()).data(first16)
                    .batchSize(32).build()).predictions().size());
        }
    }
}
