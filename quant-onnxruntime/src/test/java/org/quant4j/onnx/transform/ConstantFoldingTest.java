package org.quant4j.onnx.transform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.onnxruntime.OrtTestSupport.assertSameOutputs;
import static org.quant4j.onnxruntime.OrtTestSupport.random;
import static org.quant4j.onnxruntime.OrtTestSupport.runOnly;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorProtos;

class ConstantFoldingTest {

    private static List<String> ops(Graph g) {
        return g.nodes().stream().map(Node::opType).toList();
    }

    @Test
    void weightsInConstantNodesBecomeTheSameInitializers() {
        ModelProto original = ReferenceGraphs.smallCnn(3);
        ModelProto constants = ReferenceGraphs.withWeightsInConstantNodes(original);
        Graph g = OnnxModel.of(constants).graph();
        assertEquals(0, g.initializers().size());

        List<NodeDecision> d = new ConstantNodeFolding().apply(g);

        assertEquals(13, d.size());
        assertTrue(d.stream().allMatch(n -> n.action() == Action.FOLDED), d.toString());
        assertTrue(ops(g).stream().noneMatch("Constant"::equals), ops(g).toString());
        // Same names, same bytes as the initializers the Constant nodes were made of.
        assertEquals(original.getGraph().getInitializerList(), List.copyOf(g.initializers().values()));
        assertSameOutputs(original, g.toProto(), random(1, 2, 1, 28, 28), 0);
    }

    @Test
    void scalarAndListAttributesOfConstantNodesFoldAsTheSpecDefines() {
        GraphBuilder b = GraphBuilder.create("attrs");
        String x = b.input("x", -1, 3);
        String f = b.op("Constant", List.of(), Attributes.floats("value_floats", 1f, -2f, 0.5f));
        String s = b.op("Constant", List.of(), Attributes.floating("value_float", 3f));
        b.output(b.mul(b.add(x, f), s), "y");
        ModelProto original = b.build();
        Graph g = OnnxModel.of(original).graph();

        new ConstantNodeFolding().apply(g);

        assertEquals(List.of("Add", "Mul"), ops(g));
        assertEquals(FloatTensor.vector(1f, -2f, 0.5f), g.floatInitializer(f).orElseThrow());
        assertEquals(0, TensorProtos.dims(g.initializer(s).orElseThrow()).length, "value_float is a scalar");
        FloatTensor in = new FloatTensor(new long[] {1, 3}, new float[] {1, 2, 3});
        // (x + f) * 3 = [6, 0, 10.5], known without any runtime; ORT agrees on both graphs.
        assertEquals(new FloatTensor(new long[] {1, 3}, new float[] {6, 0, 10.5f}), runOnly(g.toProto(), in));
        assertSameOutputs(original, g.toProto(), in, 0);
    }

    /**
     * Shape arithmetic on a static input (Shape, Gather, Unsqueeze, Slice, Concat feeding Reshape) and
     * arithmetic on a constant weight (Transpose, Sub, Div, Mul, Cast, Add feeding MatMul), as
     * exporters write them.
     */
    private static ModelProto shapeArithmetic(long batch) {
        GraphBuilder b = GraphBuilder.create("shape_arithmetic");
        String x = b.input("x", batch, 3, 4, 5);
        String shape = b.op("Shape", List.of(x));
        String d0 = b.op("Gather", List.of(shape, b.op("Constant", List.of(), Attributes.integer("value_int", 0))),
                Attributes.integer("axis", 0));
        String d0v = b.op("Unsqueeze", List.of(d0, b.op("Constant", List.of(), Attributes.ints("value_ints", 0))));
        String tail = b.op("Slice", List.of(shape, b.op("Constant", List.of(), Attributes.ints("value_ints", 2)),
                b.op("Constant", List.of(), Attributes.ints("value_ints", 4))));
        String tailSize = b.op("Unsqueeze", List.of(b.op("Squeeze", List.of(b.op("Mul", List.of(
                b.op("Gather", List.of(tail, b.op("Constant", List.of(), Attributes.ints("value_ints", 0)))),
                b.op("Gather", List.of(tail, b.op("Constant", List.of(), Attributes.ints("value_ints", -1)))))))),
                b.op("Constant", List.of(), Attributes.ints("value_ints", 0))));
        String target = b.op("Concat", List.of(d0v, b.op("Constant", List.of(), Attributes.ints("value_ints", -1)),
                tailSize), Attributes.integer("axis", 0));
        String flat = b.op("Reshape", List.of(x, target));
        String w = b.op("Transpose", List.of(b.initializer("w", random(7, 4, 20))),
                Attributes.ints("perm", 1, 0));
        String scale = b.op("Div", List.of(b.op("Sub", List.of(
                b.op("Constant", List.of(), Attributes.floating("value_float", 3f)),
                b.op("Constant", List.of(), Attributes.floating("value_float", 1f)))),
                b.op("Constant", List.of(), Attributes.floating("value_float", 4f))));
        String one = b.op("Cast", List.of(b.op("Constant", List.of(), Attributes.integer("value_int", 1))),
                Attributes.integer("to", TensorProto.DataType.FLOAT_VALUE));
        String weight = b.op("Add", List.of(b.op("Mul", List.of(w, scale)), one));
        b.output(b.matMul(flat, weight), "y");
        return b.build();
    }

    @Test
    void shapeArithmeticOnStaticShapesAndArithmeticOnConstantsFoldToWhatOrtComputes() {
        ModelProto original = shapeArithmetic(2);
        Graph g = OnnxModel.of(original).graph();

        TransformPipeline.inference().apply(g);

        assertEquals(List.of("Reshape", "MatMul"), ops(g));
        Node reshape = g.nodes().get(0);
        assertEquals(List.of(2L, -1L, 20L),
                java.util.Arrays.stream(TensorProtos.toLongs(g.initializer(reshape.input(1)).orElseThrow())).boxed()
                        .toList());
        assertEquals(List.of(20L, 4L),
                java.util.Arrays.stream(TensorProtos.dims(g.initializer(g.nodes().get(1).input(1)).orElseThrow()))
                        .boxed().toList());
        // ORT running every node of the unfolded graph gives exactly what the folded graph gives.
        assertSameOutputs(original, g.toProto(), random(3, 2, 3, 4, 5), 0);
    }

    @Test
    void shapeOfADynamicBatchIsLeftToTheRuntime() {
        ModelProto original = shapeArithmetic(-1);
        Graph g = OnnxModel.of(original).graph();

        TransformPipeline.inference().apply(g);

        assertTrue(ops(g).contains("Shape"), ops(g).toString());
        assertTrue(ops(g).stream().noneMatch(op -> op.equals("Transpose") || op.equals("Constant")), ops(g).toString());
        assertSameOutputs(original, g.toProto(), random(4, 5, 3, 4, 5), 0);
    }
}
