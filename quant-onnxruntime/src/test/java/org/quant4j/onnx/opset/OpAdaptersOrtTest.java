package org.quant4j.onnx.opset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnx.graph.Attributes.floating;
import static org.quant4j.onnx.graph.Attributes.floats;
import static org.quant4j.onnx.graph.Attributes.integer;
import static org.quant4j.onnx.graph.Attributes.ints;
import static org.quant4j.onnx.graph.Attributes.string;
import static org.quant4j.onnxruntime.OrtTestSupport.assertSameOutputs;
import static org.quant4j.onnxruntime.OrtTestSupport.random;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorProtos;

/**
 * Every adapter against ONNX Runtime: a tiny model of the op at an old opset, converted, gives the
 * same outputs as the original (max abs difference <= 1e-6) on random inputs.
 */
class OpAdaptersOrtTest {

    private static final double TOLERANCE = 1e-6;
    private static final long[] IMAGE = {2, 3, 4, 5};

    /** A model case: its name, opset, target, input shape and the op under test applied to input "x". */
    private record Case(String name, int opset, int target, long[] shape, Consumer<GraphBuilder> body) {
        @Override
        public String toString() {
            return name + " " + opset + "->" + target;
        }
    }

    private static String int64s(GraphBuilder b, String base, long... values) {
        String name = b.graph().uniqueName(base);
        b.graph().putInitializer(TensorProtos.int64Vector(name, values));
        return name;
    }

    private static String floatsInit(GraphBuilder b, String base, long[] shape, float... values) {
        return b.initializer(base, new FloatTensor(shape, values));
    }

    private static void single(GraphBuilder b, String op, List<String> extraInputs,
            ai.onnx.proto.OnnxMl.AttributeProto... attrs) {
        List<String> in = new java.util.ArrayList<>(List.of("x"));
        in.addAll(extraInputs);
        b.output(b.op(op, in, attrs));
    }

    static Stream<Arguments> cases() {
        return Stream.of(
                new Case("Clip min/max attributes", 7, 13, IMAGE, b -> single(b, "Clip", List.of(),
                        floating("min", -0.25f), floating("max", 0.5f))),
                new Case("Clip max only", 9, 13, IMAGE, b -> single(b, "Clip", List.of(), floating("max", 0.1f))),
                new Case("Dropout ratio attribute", 11, 13, IMAGE, b -> single(b, "Dropout", List.of(),
                        floating("ratio", 0.3f))),
                new Case("BatchNormalization spatial=1", 7, 13, IMAGE, b -> bn(b, 1, new long[] {3})),
                new Case("BatchNormalization spatial=0", 7, 13, IMAGE, b -> bn(b, 0, new long[] {3, 4, 5})),
                new Case("Softmax axis 1 of 4-D", 11, 13, IMAGE, b -> single(b, "Softmax", List.of(),
                        integer("axis", 1))),
                new Case("Softmax default axis", 9, 13, IMAGE, b -> single(b, "Softmax", List.of())),
                new Case("Softmax last axis", 11, 13, IMAGE, b -> single(b, "Softmax", List.of(),
                        integer("axis", -1))),
                new Case("LogSoftmax axis 2", 11, 13, IMAGE, b -> single(b, "LogSoftmax", List.of(),
                        integer("axis", 2))),
                new Case("Hardmax axis 1", 11, 13, IMAGE, b -> single(b, "Hardmax", List.of(),
                        integer("axis", 1))),
                new Case("Unsqueeze axes", 11, 13, IMAGE, b -> single(b, "Unsqueeze", List.of(),
                        ints("axes", 0, 5))),
                new Case("Squeeze axes", 11, 13, new long[] {2, 1, 4, 1}, b -> single(b, "Squeeze", List.of(),
                        ints("axes", 1, -1))),
                new Case("ReduceSum axes", 11, 13, IMAGE, b -> single(b, "ReduceSum", List.of(),
                        ints("axes", 1, 3), integer("keepdims", 0))),
                new Case("ReduceMean axes", 13, 18, IMAGE, b -> single(b, "ReduceMean", List.of(),
                        ints("axes", 2))),
                new Case("ReduceMax axes", 11, 21, IMAGE, b -> single(b, "ReduceMax", List.of(),
                        ints("axes", 0, 2))),
                new Case("Split with 'split'", 11, 13, IMAGE, OpAdaptersOrtTest::split),
                new Case("Split to num_outputs", 11, 18, new long[] {2, 4}, b -> {
                    List<String> parts = b.ops("Split", List.of("x"), 2, integer("axis", 1));
                    b.output(b.concat(0, parts.get(1), parts.get(0)));
                }),
                new Case("Pad pads and value", 10, 13, IMAGE, b -> single(b, "Pad", List.of(),
                        ints("pads", 0, 1, 2, 0, 0, 0, 1, 3), floating("value", 1.5f))),
                new Case("Pad reflect", 7, 13, IMAGE, b -> single(b, "Pad", List.of(),
                        ints("pads", 0, 0, 1, 2, 0, 0, 2, 1), string("mode", "reflect"))),
                new Case("Slice attributes", 9, 13, IMAGE, b -> single(b, "Slice", List.of(),
                        ints("starts", 1, -3), ints("ends", 3, 1000), ints("axes", 1, 3))),
                new Case("TopK k", 9, 13, new long[] {3, 6}, b -> b.output(b.ops("TopK", List.of("x"), 2,
                        integer("k", 3)).get(0))),
                new Case("Upsample-7 nearest", 7, 13, IMAGE, b -> single(b, "Upsample", List.of(),
                        floats("scales", 1, 1, 2, 3))),
                new Case("Upsample-7 linear", 7, 13, IMAGE, b -> single(b, "Upsample", List.of(),
                        floats("scales", 1, 1, 2, 2), string("mode", "linear"))),
                new Case("Upsample-9 nearest", 9, 13, IMAGE, b -> single(b, "Upsample",
                        List.of(floatsInit(b, "scales", new long[] {4}, 1, 1, 3, 2)))),
                new Case("Resize-10 nearest up", 10, 13, IMAGE, b -> single(b, "Resize",
                        List.of(floatsInit(b, "scales", new long[] {4}, 1, 1, 2.5f, 1.5f)))),
                new Case("Resize-10 nearest down", 10, 13, new long[] {1, 2, 8, 9}, b -> single(b, "Resize",
                        List.of(floatsInit(b, "scales", new long[] {4}, 1, 1, 0.5f, 0.4f)))),
                new Case("Resize-10 linear", 10, 13, IMAGE, b -> single(b, "Resize",
                        List.of(floatsInit(b, "scales", new long[] {4}, 1, 1, 1.5f, 2)), string("mode", "linear"))),
                new Case("Scatter", 9, 13, new long[] {3, 3}, b -> single(b, "Scatter",
                        List.of(int64sMatrix(b), floatsInit(b, "updates", new long[] {1, 3}, 7, 8, 9)),
                        integer("axis", 0))),
                new Case("RoiAlign without coordinate mode", 10, 16, new long[] {1, 2, 6, 6}, b -> single(b,
                        "RoiAlign", List.of(floatsInit(b, "rois", new long[] {1, 4}, 0.5f, 1.2f, 4.3f, 5.1f),
                                int64s(b, "batch", 0)), integer("output_height", 2), integer("output_width", 2))),
                new Case("GroupNormalization per group", 18, 21, new long[] {2, 4, 3, 3}, b -> single(b,
                        "GroupNormalization", List.of(floatsInit(b, "scale", new long[] {2}, 0.5f, 2),
                                floatsInit(b, "bias", new long[] {2}, 0.25f, -1)), integer("num_groups", 2))))
                .map(Arguments::of);
    }

    private static String int64sMatrix(GraphBuilder b) {
        String name = b.graph().uniqueName("indices");
        b.graph().putInitializer(TensorProtos.int64s(name, new long[] {1, 3}, 2, 0, 1));
        return name;
    }

    private static void bn(GraphBuilder b, int spatial, long[] paramShape) {
        int n = (int) FloatTensor.elementCount(paramShape);
        float[] scale = new float[n];
        float[] bias = new float[n];
        float[] mean = new float[n];
        float[] var = new float[n];
        for (int i = 0; i < n; i++) {
            scale[i] = 0.5f + i * 0.1f;
            bias[i] = -0.2f + i * 0.05f;
            mean[i] = 0.1f * (i % 5) - 0.2f;
            var[i] = 0.5f + 0.07f * i;
        }
        single(b, "BatchNormalization", List.of(floatsInit(b, "scale", paramShape, scale),
                floatsInit(b, "bias", paramShape, bias), floatsInit(b, "mean", paramShape, mean),
                floatsInit(b, "var", paramShape, var)), integer("spatial", spatial), floating("epsilon", 1e-3f));
    }

    private static void split(GraphBuilder b) {
        List<String> parts = b.ops("Split", List.of("x"), 2, integer("axis", 3), ints("split", 2, 3));
        b.output(b.concat(3, parts.get(1), parts.get(0)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertedModelComputesWhatTheOriginalDoes(Case c) {
        GraphBuilder b = GraphBuilder.create(c.name().replace(' ', '_'), c.opset());
        b.input("x", c.shape());
        c.body().accept(b);
        ModelProto original = b.build();

        Graph g = OnnxModel.of(original).graph();
        OpsetConversion conversion = OpsetConverter.convert(g, c.target());
        assertEquals(c.target(), g.opset());
        assertFalse(conversion.rewrites().isEmpty(), conversion.summary());
        assertTrue(conversion.summary().contains("converted from opset " + c.opset()), conversion.summary());
        assertSameOutputs(original, g.toProto(), random(7, c.shape()), TOLERANCE);
    }
}
