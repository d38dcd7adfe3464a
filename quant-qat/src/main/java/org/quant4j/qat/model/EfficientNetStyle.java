package org.quant4j.qat.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.List;
import java.util.stream.Collectors;

/**
 * An EfficientNet (Tan and Le 2019) sized for small images: a 3x3 Conv-BN-SiLU stem; stages of
 * MBConv blocks, each a 1x1 expansion Conv-BN-SiLU (skipped at ratio 1), a depthwise kxk
 * Conv-BN-SiLU, squeeze-and-excitation with {@code max(1, in / 4)} bottleneck channels, and a 1x1
 * projection Conv-BN, with an identity residual when stride is 1 and the width is unchanged; a 1x1
 * Conv-BN-SiLU head, global average pooling, Flatten, dropout and a linear classifier. Immutable.
 */
public final class EfficientNetStyle extends ImageClassifierArchitecture {

    private final int stemWidth;
    private final int stemStride;
    private final List<MbConvStage> stages;
    private final int headWidth;
    private final float dropout;

    private EfficientNetStyle(Builder b) {
        super(b);
        this.stemWidth = b.stemWidth;
        this.stemStride = b.stemStride;
        this.stages = List.copyOf(b.stages);
        this.headWidth = b.headWidth;
        this.dropout = b.dropout;
    }

    /** A builder with the defaults of a small Fashion-MNIST model: 1x28x28 inputs, 10 classes. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.EFFICIENTNET;
    }

    /** The MBConv stages, in order. */
    public List<MbConvStage> stages() {
        return stages;
    }

    @Override
    public Block newBlock() {
        SequentialBlock net = new SequentialBlock();
        net.add(Layers.convBn(stemWidth, 3, stemStride, 1, FunctionLayer.silu()));
        int channels = stemWidth;
        for (MbConvStage stage : stages) {
            for (int i = 0; i < stage.repeats(); i++) {
                net.add(mbConv(channels, stage, i == 0 ? stage.stride() : 1));
                channels = stage.channels();
            }
        }
        net.add(Layers.convBn(headWidth, 1, 1, 1, FunctionLayer.silu()))
                .add(FunctionLayer.globalAveragePool()).add(FunctionLayer.flatten())
                .add(Dropout.builder().optRate(dropout).build())
                .add(Linear.builder().setUnits(numClasses()).build());
        return net;
    }

    /** One MBConv block from {@code in} channels. */
    static Block mbConv(int in, MbConvStage stage, int stride) {
        int hidden = in * stage.expandRatio();
        SequentialBlock main = new SequentialBlock();
        if (stage.expandRatio() != 1) {
            main.add(Layers.convBn(hidden, 1, 1, 1, FunctionLayer.silu()));
        }
        main.add(Layers.convBn(hidden, stage.kernel(), stride, hidden, FunctionLayer.silu()))
                .add(new SqueezeExcitation(hidden, Math.max(1, in / 4)))
                .add(Layers.convBn(stage.channels(), 1, 1, 1, null));
        return stride == 1 && in == stage.channels() ? new ResidualBlock(main, null, false) : main;
    }

    @Override
    public String describe() {
        return "EfficientNet-style: 3x3 stem of " + stemWidth + " (stride " + stemStride + "), MBConv stages "
                + stages.stream().map(s -> "(expand " + s.expandRatio() + ", k" + s.kernel() + ", stride " + s.stride()
                        + ", " + s.channels() + " ch x" + s.repeats() + ")").collect(Collectors.joining(" "))
                + " with SE 0.25 and SiLU, 1x1 head of " + headWidth + ", global average pool, dropout " + dropout
                + ", linear " + numClasses() + "; " + inputText();
    }

    /** Builder of {@link EfficientNetStyle}. */
    public static final class Builder extends ImageClassifierArchitecture.Builder<Builder> {
        private int stemWidth = 16;
        private int stemStride = 1;
        private List<MbConvStage> stages = List.of(new MbConvStage(1, 3, 1, 16, 1), new MbConvStage(4, 3, 2, 24, 2),
                new MbConvStage(4, 3, 2, 48, 2));
        private int headWidth = 128;
        private float dropout = 0.2f;

        private Builder() {
        }

        /** Width of the stem convolution. */
        public Builder stemWidth(int value) {
            this.stemWidth = value;
            return this;
        }

        /** Stride of the stem convolution. */
        public Builder stemStride(int value) {
            this.stemStride = value;
            return this;
        }

        /** The MBConv stages (width, depth and resolution schedule). */
        public Builder stages(List<MbConvStage> value) {
            this.stages = List.copyOf(value);
            return this;
        }

        /** Width of the 1x1 head convolution. */
        public Builder headWidth(int value) {
            this.headWidth = value;
            return this;
        }

        /** Dropout rate before the classifier, in {@code [0, 1)}. */
        public Builder dropout(float value) {
            this.dropout = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a size is below 1, there is no stage or the dropout
         *                                  rate is outside {@code [0, 1)}
         */
        public EfficientNetStyle build() {
            validateInput();
            Layers.requirePositive("Stem width", stemWidth);
            Layers.requirePositive("Stem stride", stemStride);
            Layers.requirePositive("Head width", headWidth);
            if (stages.isEmpty()) {
                throw new IllegalArgumentException("An EfficientNet needs at least one MBConv stage");
            }
            Layers.requireDropout(dropout);
            return new EfficientNetStyle(this);
        }
    }
}
