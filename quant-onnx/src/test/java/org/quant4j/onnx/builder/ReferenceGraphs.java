package org.quant4j.onnx.builder;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;

/**
 * Seeded, He-initialised reference models for tests and benchmarks. Each has one float32 input
 * with a dynamic batch dimension and one output named {@value #OUTPUT}; batch-norm statistics are
 * random but plausible, so folding them changes the weights. The same seed gives the same bytes.
 */
public final class ReferenceGraphs {

    /** Name of every reference model's output (class scores before softmax). */
    public static final String OUTPUT = "logits";

    /** Name of every reference model's input. */
    public static final String INPUT = "input";

    private static final float BN_EPSILON = 1e-5f;

    private ReferenceGraphs() {
    }

    /**
     * A small residual CNN for {@code [N, 1, 28, 28]} images and 10 classes: two Conv-BN-ReLU blocks
     * of 8 channels, a residual Add, GlobalAveragePool, Flatten and Gemm.
     */
    public static ModelProto smallCnn(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("small_cnn");
        String x = b.input(INPUT, -1, 1, 28, 28);
        String r1 = b.relu(b.batchNorm(b.conv(x, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8),
                ConvOptions.of(1, 1)), init.batchNorm(8), BN_EPSILON));
        String r2 = b.relu(b.batchNorm(b.conv(r1, init.convWeights(8, 8, 3, 3), null, ConvOptions.of(1, 1)),
                init.batchNorm(8), BN_EPSILON));
        String pooled = b.flatten(b.globalAveragePool(b.add(r1, r2)), 1);
        b.output(b.gemm(pooled, init.denseWeights(10, 8), init.uniform(-0.1f, 0.1f, 10), true), OUTPUT);
        return b.build();
    }

    /**
     * A multilayer perceptron for {@code [N, 1, 28, 28]} images and 10 classes: Flatten, MatMul and
     * Add (784 to 64), ReLU, Dropout, Gemm (64 to 10).
     */
    public static ModelProto mlp(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("mlp");
        String x = b.flatten(b.input(INPUT, -1, 1, 28, 28), 1);
        FloatTensor w1 = init.he(784, 784, 64);
        String hidden = b.relu(b.add(b.matMul(x, w1), init.uniform(-0.1f, 0.1f, 64)));
        String dropped = b.dropout(hidden, 0.1f);
        b.output(b.gemm(dropped, init.denseWeights(10, 64), init.uniform(-0.1f, 0.1f, 10), true), OUTPUT);
        return b.build();
    }

    /**
     * An LSTM sequence classifier: input {@code [8, N, 16]} (time-major), one LSTM layer with 32
     * hidden units, the last hidden state reshaped to {@code [N, 32]}, then Gemm to 10 classes.
     */
    public static ModelProto lstm(long seed) {
        int hidden = 32;
        int features = 16;
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("lstm_classifier");
        String x = b.input(INPUT, 8, -1, features);
        // The batch is axis 1 here, so the builder names the dynamic dimension d1.
        float bound = (float) (1 / Math.sqrt(hidden));
        LstmOutputs lstm = b.lstm(x, init.uniform(-bound, bound, 1, 4 * hidden, features),
                init.uniform(-bound, bound, 1, 4 * hidden, hidden), init.uniform(-bound, bound, 1, 8 * hidden), hidden);
        String last = b.reshape(lstm.yH(), -1, hidden);
        b.output(b.gemm(last, init.denseWeights(10, hidden), init.uniform(-0.1f, 0.1f, 10), true), OUTPUT);
        return b.build();
    }

    /** ResNet-18 for {@code [N, 3, 224, 224]} images and 1000 classes. */
    public static ModelProto resNet18(long seed) {
        return resNet18(seed, 1000, 224);
    }

    /**
     * ResNet-18 (He et al. 2016, torchvision layout): 7x7/2 stem with BN, ReLU and 3x3/2 max pool;
     * four stages of two basic blocks (64, 128, 256, 512 channels; stages 2-4 start with stride 2 and
     * a 1x1 Conv-BN shortcut); global average pool, Flatten and a fully connected layer. Every Conv is
     * followed by BatchNormalization and has no bias, as in the original.
     */
    public static ModelProto resNet18(long seed, int numClasses, int imageSize) {
        if (numClasses < 1 || imageSize < 32) {
            throw new IllegalArgumentException("Need at least 1 class and images of at least 32 pixels, got "
                    + numClasses + " classes, size " + imageSize);
        }
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("resnet18");
        String x = b.input(INPUT, -1, 3, imageSize, imageSize);
        x = b.relu(convBn(b, init, x, 3, 64, 7, 2, 3));
        x = b.maxPool(x, 3, 2, 1);
        int channels = 64;
        int[] widths = {64, 128, 256, 512};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < 2; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                x = basicBlock(b, init, x, channels, widths[stage], stride);
                channels = widths[stage];
            }
        }
        String pooled = b.flatten(b.globalAveragePool(x), 1);
        b.output(b.gemm(pooled, init.denseWeights(numClasses, channels), init.uniform(-0.01f, 0.01f, numClasses),
                true), OUTPUT);
        return b.build();
    }

    private static String basicBlock(GraphBuilder b, HeInitializer init, String x, int in, int out, int stride) {
        String y = b.relu(convBn(b, init, x, in, out, 3, stride, 1));
        y = convBn(b, init, y, out, out, 3, 1, 1);
        String shortcut = stride != 1 || in != out ? convBn(b, init, x, in, out, 1, stride, 0) : x;
        return b.relu(b.add(y, shortcut));
    }

    static String convBn(GraphBuilder b, HeInitializer init, String x, int in, int out, int kernel,
            int stride, int pad) {
        String c = b.conv(x, init.convWeights(out, in, kernel, kernel), null, ConvOptions.of(stride, pad));
        return b.batchNorm(c, init.batchNorm(out), BN_EPSILON);
    }

    /**
     * A CNN for {@code [N, 1, 28, 28]} images whose head holds most of the weights: two 8-channel
     * Conv-ReLU blocks (nodes {@code Conv}, {@code Conv_1}) and a Gemm over all 8x28x28 features to
     * 10 classes. Keeping its convolutions float still gives a smaller quantized file, unlike
     * {@link #smallCnn}, whose quantization nodes outweigh its 810 parameters.
     */
    public static ModelProto wideHeadCnn(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("wide_head_cnn");
        String x = b.input(INPUT, -1, 1, 28, 28);
        String r1 = b.relu(b.conv(x, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8), ConvOptions.of(1, 1)));
        String r2 = b.relu(b.conv(r1, init.convWeights(8, 8, 3, 3), null, ConvOptions.of(1, 1)));
        b.output(b.gemm(b.flatten(r2, 1), init.denseWeights(10, 8 * 28 * 28), null, true), OUTPUT);
        return b.build();
    }

    /**
     * {@code model} as exporters such as Paddle2ONNX write it: every initializer moved into a
     * {@code Constant} node (named {@code const_NAME}) whose output has the initializer's name, in
     * initializer order, before the other nodes; no initializer is left.
     */
    public static ModelProto withWeightsInConstantNodes(ModelProto model) {
        GraphProto g = model.getGraph();
        GraphProto.Builder moved = g.toBuilder().clearInitializer().clearNode();
        for (TensorProto t : g.getInitializerList()) {
            moved.addNode(NodeProto.newBuilder().setName("const_" + t.getName()).setOpType("Constant")
                    .addOutput(t.getName()).addAttribute(Attributes.tensor("value", t)));
        }
        moved.addAllNode(g.getNodeList());
        moved.clearInput();
        g.getInputList().stream().filter(i -> g.getInitializerList().stream()
                .noneMatch(t -> t.getName().equals(i.getName()))).forEach(moved::addInput);
        return model.toBuilder().setGraph(moved).build();
    }
}
