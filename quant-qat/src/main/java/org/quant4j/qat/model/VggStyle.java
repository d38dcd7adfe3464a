package org.quant4j.qat.model;

import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.util.Arrays;

/**
 * A VGG network (Simonyan and Zisserman 2015) sized for small images: stages of
 * {@code convsPerStage} 3x3 convolutions (each followed by batch norm when enabled, then ReLU),
 * each stage closed by 2x2 max pooling; then Flatten, a hidden linear layer with ReLU and dropout,
 * and a linear classifier. Immutable.
 */
public final class VggStyle extends ImageClassifierArchitecture {

    private final int[] widths;
    private final int convsPerStage;
    private final boolean batchNorm;
    private final int hiddenUnits;
    private final float dropout;

    private VggStyle(Builder b) {
        super(b);
        this.widths = b.widths.clone();
        this.convsPerStage = b.convsPerStage;
        this.batchNorm = b.batchNorm;
        this.hiddenUnits = b.hiddenUnits;
        this.dropout = b.dropout;
    }

    /** A builder with the defaults of a Fashion-MNIST model: 1x28x28 inputs, 10 classes, widths 32-64-128. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public ModelFamily family() {
        return ModelFamily.VGG;
    }

    @Override
    public Block newBlock() {
        SequentialBlock net = new SequentialBlock();
        for (int width : widths) {
            for (int c = 0; c < convsPerStage; c++) {
                if (batchNorm) {
                    net.add(Layers.convBn(width, 3, 1, 1, FunctionLayer.relu()));
                } else {
                    net.add(Layers.conv(width, 3, 1, 1, true)).add(FunctionLayer.relu());
                }
            }
            net.add(FunctionLayer.maxPool(2, 2));
        }
        net.add(FunctionLayer.flatten())
                .add(Linear.builder().setUnits(hiddenUnits).build()).add(FunctionLayer.relu())
                .add(Dropout.builder().optRate(dropout).build())
                .add(Linear.builder().setUnits(numClasses()).build());
        return net;
    }

    @Override
    public String describe() {
        return "VGG-style: stages of width " + Arrays.toString(widths) + " with " + convsPerStage + " 3x3 Conv"
                + (batchNorm ? "-BN" : "") + "-ReLU each and 2x2 max pooling, linear " + hiddenUnits
                + " with ReLU and dropout " + dropout + ", linear " + numClasses() + "; " + inputText();
    }

    /** Builder of {@link VggStyle}. */
    public static final class Builder extends ImageClassifierArchitecture.Builder<Builder> {
        private int[] widths = {32, 64, 128};
        private int convsPerStage = 1;
        private boolean batchNorm = true;
        private int hiddenUnits = 256;
        private float dropout = 0.3f;

        private Builder() {
        }

        /** Width of each stage; each stage ends with 2x2 max pooling. */
        public Builder widths(int... values) {
            this.widths = values.clone();
            return this;
        }

        /** 3x3 convolutions per stage (the depth). */
        public Builder convsPerStage(int value) {
            this.convsPerStage = value;
            return this;
        }

        /** Whether batch norm follows every convolution (then the convolutions have no bias). */
        public Builder batchNorm(boolean value) {
            this.batchNorm = value;
            return this;
        }

        /** Units of the hidden fully connected layer. */
        public Builder hiddenUnits(int value) {
            this.hiddenUnits = value;
            return this;
        }

        /** Dropout rate before the classifier, in {@code [0, 1)}. */
        public Builder dropout(float value) {
            this.dropout = value;
            return this;
        }

        /**
         * @throws IllegalArgumentException when a size is below 1, the dropout rate is outside
         *                                  {@code [0, 1)}, or pooling would shrink the image below 1 pixel
         */
        public VggStyle build() {
            validateInput();
            Layers.requirePositive("Convolutions per stage", convsPerStage);
            Layers.requirePositive("Hidden units", hiddenUnits);
            Layers.requireDropout(dropout);
            if (widths.length == 0) {
                throw new IllegalArgumentException("A VGG network needs at least one stage width");
            }
            for (int w : widths) {
                Layers.requirePositive("Stage width", w);
            }
            if (imageSize() >> widths.length < 1) {
                throw new IllegalArgumentException(widths.length + " stages of 2x2 pooling shrink " + imageSize()
                        + "-pixel images below one pixel; use fewer stages or larger images");
            }
            return new VggStyle(this);
        }
    }
}
