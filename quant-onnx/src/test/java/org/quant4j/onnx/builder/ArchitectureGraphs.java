package org.quant4j.onnx.builder;

import ai.onnx.proto.OnnxMl.ModelProto;

/**
 * Full-size ImageNet architectures for speed work, built on demand with seeded He initialisation
 * (never committed): ResNet-18, ResNet-50, VGG16 and EfficientNet-B0 in the torchvision layout, for
 * {@code [N, 3, 224, 224]} inputs and 1000 classes. Their trainable parameter counts are the
 * published ones (batch-norm running statistics, which are initializers here, are not
 * parameters): ResNet-18 11,689,512; ResNet-50 25,557,032; VGG16 138,357,544; EfficientNet-B0
 * 5,288,548. Input {@value ReferenceGraphs#INPUT}, output {@value ReferenceGraphs#OUTPUT}; the
 * same seed gives the same bytes. VGG16 holds 553 MB of weights: build it only with a heap to match.
 */
public final class ArchitectureGraphs {

    /** Input image size of every architecture. */
    public static final int IMAGE_SIZE = 224;
    /** Number of ImageNet classes. */
    public static final int CLASSES = 1000;

    private static final float EFFICIENTNET_BN_EPSILON = 1e-3f;

    /** EfficientNet-B0 stages: expansion, kernel, stride, output channels, repeats (Tan and Le 2019, table 1). */
    private static final int[][] EFFICIENTNET_B0 = {
        {1, 3, 1, 16, 1}, {6, 3, 2, 24, 2}, {6, 5, 2, 40, 2}, {6, 3, 2, 80, 3}, {6, 5, 1, 112, 3}, {6, 5, 2, 192, 4},
        {6, 3, 1, 320, 1}};

    /** VGG16 configuration "D": channels of each 3x3 convolution, 0 for a 2x2 max pool. */
    private static final int[] VGG16 = {64, 64, 0, 128, 128, 0, 256, 256, 256, 0, 512, 512, 512, 0, 512, 512, 512, 0};

    private ArchitectureGraphs() {
    }

    /** ResNet-18 (He et al. 2016), as {@link ReferenceGraphs#resNet18(long)}. */
    public static ModelProto resNet18(long seed) {
        return ReferenceGraphs.resNet18(seed, CLASSES, IMAGE_SIZE);
    }

    /**
     * ResNet-50 (He et al. 2016, torchvision v1.5 layout): 7x7/2 Conv-BN-ReLU stem and 3x3/2 max
     * pool; stages of 3, 4, 6 and 3 bottleneck blocks (1x1, 3x3 with the stage's stride, 1x1 with
     * 4x expansion, each Conv-BN without bias; a 1x1 Conv-BN projection on each stage's first
     * block; ReLU after the sum); global average pool, Flatten, Gemm.
     */
    public static ModelProto resNet50(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("resnet50");
        String x = b.input(ReferenceGraphs.INPUT, -1, 3, IMAGE_SIZE, IMAGE_SIZE);
        x = b.relu(ReferenceGraphs.convBn(b, init, x, 3, 64, 7, 2, 3));
        x = b.maxPool(x, 3, 2, 1);
        int channels = 64;
        int[] widths = {64, 128, 256, 512};
        int[] blocks = {3, 4, 6, 3};
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < blocks[stage]; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                int out = widths[stage] * 4;
                String y = b.relu(ReferenceGraphs.convBn(b, init, x, channels, widths[stage], 1, 1, 0));
                y = b.relu(ReferenceGraphs.convBn(b, init, y, widths[stage], widths[stage], 3, stride, 1));
                y = ReferenceGraphs.convBn(b, init, y, widths[stage], out, 1, 1, 0);
                String shortcut = block == 0 ? ReferenceGraphs.convBn(b, init, x, channels, out, 1, stride, 0) : x;
                x = b.relu(b.add(y, shortcut));
                channels = out;
            }
        }
        return classifier(b, init, b.flatten(b.globalAveragePool(x), 1), channels);
    }

    /**
     * VGG16 (Simonyan and Zisserman 2015, configuration D): thirteen 3x3 convolutions with bias and
     * ReLU in five stages closed by 2x2 max pooling, Flatten of the 512x7x7 features, then
     * 4096-4096-1000 fully connected layers with ReLU and Dropout between them.
     */
    public static ModelProto vgg16(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("vgg16");
        String x = b.input(ReferenceGraphs.INPUT, -1, 3, IMAGE_SIZE, IMAGE_SIZE);
        int channels = 3;
        for (int width : VGG16) {
            if (width == 0) {
                x = b.maxPool(x, 2, 2, 0);
            } else {
                x = b.relu(b.conv(x, init.convWeights(width, channels, 3, 3), init.uniform(-0.01f, 0.01f, width),
                        ConvOptions.of(1, 1)));
                channels = width;
            }
        }
        int features = channels * (IMAGE_SIZE / 32) * (IMAGE_SIZE / 32);
        x = b.flatten(x, 1);
        x = b.dropout(b.relu(b.gemm(x, init.denseWeights(4096, features), init.uniform(-0.01f, 0.01f, 4096), true)),
                0.5f);
        x = b.dropout(b.relu(b.gemm(x, init.denseWeights(4096, 4096), init.uniform(-0.01f, 0.01f, 4096), true)), 0.5f);
        return classifier(b, init, x, 4096);
    }

    /**
     * EfficientNet-B0 (Tan and Le 2019, torchvision layout): 3x3/2 Conv-BN-SiLU stem of 32; sixteen
     * MBConv blocks in seven stages (1x1 expansion Conv-BN-SiLU unless the ratio is 1, depthwise
     * kxk Conv-BN-SiLU, squeeze-and-excitation to {@code max(1, in / 4)} channels with SiLU and
     * Sigmoid, 1x1 projection Conv-BN, identity residual when the stride is 1 and the width is
     * unchanged); 1x1 Conv-BN-SiLU head of 1280; global average pool, Flatten, Dropout 0.2, Gemm.
     */
    public static ModelProto efficientNetB0(long seed) {
        HeInitializer init = new HeInitializer(seed);
        GraphBuilder b = GraphBuilder.create("efficientnet_b0");
        String x = b.input(ReferenceGraphs.INPUT, -1, 3, IMAGE_SIZE, IMAGE_SIZE);
        x = b.silu(convBn(b, init, x, 3, 32, 3, 2, 1));
        int channels = 32;
        for (int[] stage : EFFICIENTNET_B0) {
            for (int repeat = 0; repeat < stage[4]; repeat++) {
                x = mbConv(b, init, x, channels, stage[3], stage[0], stage[1], repeat == 0 ? stage[2] : 1);
                channels = stage[3];
            }
        }
        x = b.silu(convBn(b, init, x, channels, 1280, 1, 1, 1));
        x = b.dropout(b.flatten(b.globalAveragePool(x), 1), 0.2f);
        return classifier(b, init, x, 1280);
    }

    private static String mbConv(GraphBuilder b, HeInitializer init, String x, int in, int out, int expand,
            int kernel, int stride) {
        int hidden = in * expand;
        String y = expand == 1 ? x : b.silu(convBn(b, init, x, in, hidden, 1, 1, 1));
        y = b.silu(convBn(b, init, y, hidden, hidden, kernel, stride, hidden));
        int squeeze = Math.max(1, in / 4);
        String s = b.globalAveragePool(y);
        s = b.silu(b.conv(s, init.convWeights(squeeze, hidden, 1, 1), init.uniform(-0.01f, 0.01f, squeeze),
                ConvOptions.DEFAULT));
        s = b.sigmoid(b.conv(s, init.convWeights(hidden, squeeze, 1, 1), init.uniform(-0.01f, 0.01f, hidden),
                ConvOptions.DEFAULT));
        y = convBn(b, init, b.mul(y, s), hidden, out, 1, 1, 1);
        return stride == 1 && in == out ? b.add(y, x) : y;
    }

    /** Conv (no bias, "same" padding for odd kernels, {@code groups} groups) then BN with EfficientNet's epsilon. */
    private static String convBn(GraphBuilder b, HeInitializer init, String x, int in, int out, int kernel, int stride,
            int groups) {
        String c = b.conv(x, init.convWeights(out, in / groups, kernel, kernel), null,
                ConvOptions.of(stride, kernel / 2).withGroup(groups));
        return b.batchNorm(c, init.batchNorm(out), EFFICIENTNET_BN_EPSILON);
    }

    private static ModelProto classifier(GraphBuilder b, HeInitializer init, String features, int width) {
        b.output(b.gemm(features, init.denseWeights(CLASSES, width), init.uniform(-0.01f, 0.01f, CLASSES), true),
                ReferenceGraphs.OUTPUT);
        return b.build();
    }
}
