package org.quant4j.qat.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.util.Arrays;

/**
 * A ResNet with basic blocks (He et al. 2016) sized for small images: a 3x3 Conv-BN-ReLU stem,
 * stages of {@code blocksPerStage} basic blocks (two 3x3 Conv-BN, ReLU after the sum; the first
 * block of every stage after the first halves the resolution with stride 2 and a 1x1 Conv-BN
 * projection shortcut, as does any width change), global average pooling, Flatten and a linear
 * classifier. Immutable.
 */
public final class ResNetStyle extends ImageClassifierArchitecture {

    private final int stemWidth;
    private final int stemStride;
    private final int[] widths;
    private final int blocksPerStage;

    private ResNetStyle(Builder b) {
        super(b);
        this.stemWidth = b.stemWidth;
        this.stemStride = b.stemStride;
        this.widths = b.widths.clone();
        this.blocksPerStage = b.blocksPerStage;
    }

    /** A builder with the defaults of a Fashion-MNIST model: 1x28x28 inputs, 10 classes, widths 16-32-64. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.RESNET;
    }

    /** Width of each stage. */
    public int[] widths() {
        return widths.clone();
    }

    /** Basic blocks per stage. */
    public int blocksPerStage() {
        return blocksPerStage;
    }

    @Override
    public Block newBlock() {
        SequentialBlock net = new SequentialBlock();
        net.add(Layers.convBn(stemWidth, 3, stemStride, 1, FunctionLayer.relu()));
        int channels = stemWidth;
        for (int stage = 0; stage < widths.length; stage++) {
            for (int block = 0; block < blocksPerStage; block++) {
                int stride = stage > 0 && block == 0 ? 2 : 1;
                net.add(basicBlock(channels, widths[stage], stride));
                channels = widths[stage];
            }
        }
        net.add(FunctionLayer.globalAveragePool()).add(FunctionLayer.flatten())
                .add(Linear.builder().setUnits(numClasses()).build());
        return net;
    }

    private static Block basicBlock(int in, int out, int stride) {
        SequentialBlock main = Layers.convBn(out, 3, stride, 1, FunctionLayer.relu())
                .add(Layers.conv(out, 3, 1, 1, false)).add(Layers.batchNorm());
        Block shortcut = stride != 1 || in != out ? Layers.convBn(out, 1, stride, 1, null) : null;
        return new ResidualBlock(main, shortcut, true);
    }

    @Override
    public String describe() {
        return "ResNet-style: 3x3 stem of " + stemWidth + " (stride " + stemStride + "), stages of width "
                + Arrays.toString(widths) + " with " + blocksPerStage + " basic blocks each (stride 2 from stage 2,"
                + " 1x1 projection shortcuts), global average pool, linear " + numClasses() + "; "
                + inputText();
    }

    /** Builder of {@link ResNetStyle}. */
    public static final class Builder extends ImageClassifierArchitecture.Builder<Builder> {
        private int stemWidth = 16;
        private int stemStride = 1;
        private int[] widths = {16, 32, 64};
        private int blocksPerStage = 2;

        private Builder() {
        }

        /** Width of the stem convolution. */
        public Builder stemWidth(int value) {
            this.stemWidth = value;
            return this;
        }

        /** Stride of the stem convolution (2 halves the resolution before the first stage). */
        public Builder stemStride(int value) {
            this.stemStride = value;
            return this;
        }

        /** Width of each stage; the number of values is the number of stages. */
        public Builder widths(int... values) {
            this.widths = values.clone();
            return this;
        }

        /** Basic blocks per stage (the depth). */
        public Builder blocksPerStage(int value) {
            this.blocksPerStage = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a size is below 1 or there is no stage
         */
        public ResNetStyle build() {
            validateInput();
            Layers.requirePositive("Stem width", stemWidth);
            Layers.requirePositive("Stem stride", stemStride);
            Layers.requirePositive("Blocks per stage", blocksPerStage);
            if (widths.length == 0) {
                throw new IllegalArgumentException("A ResNet needs at least one stage width");
            }
            for (int w : widths) {
                Layers.requirePositive("Stage width", w);
            }
            return new ResNetStyle(this);
        }
    }
}
