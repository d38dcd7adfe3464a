package org.quant4j.qat.model;

/**
 * The input and output sizes every family shares, and the builder settings for them. Immutable.
 */
public abstract class ImageClassifierArchitecture implements Architecture {

    private final int inputChannels;
    private final int imageSize;
    private final int numClasses;

    protected ImageClassifierArchitecture(Builder<?> builder) {
        this.inputChannels = builder.inputChannels;
        this.imageSize = builder.imageSize;
        this.numClasses = builder.numClasses;
    }

    @Override
    public final int inputChannels() {
        return inputChannels;
    }

    @Override
    public final int imageSize() {
        return imageSize;
    }

    @Override
    public final int numClasses() {
        return numClasses;
    }

    /** The input as text for {@link #describe()}, e.g. {@code input 1x28x28}. */
    protected final String inputText() {
        return "input " + inputChannels + "x" + imageSize + "x" + imageSize;
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * Settings of the input and output; defaults are those of Fashion-MNIST (1x28x28, 10 classes).
     *
     * @param <B> the concrete builder
     */
    public abstract static class Builder<B extends Builder<B>> {
        private int inputChannels = 1;
        private int imageSize = 28;
        private int numClasses = 10;

        protected Builder() {
        }

        /** Channels of an input image (1 for greyscale, 3 for colour). */
        public B inputChannels(int value) {
            this.inputChannels = value;
            return self();
        }

        /** Height and width of an input image. */
        public B imageSize(int value) {
            this.imageSize = value;
            return self();
        }

        /** Number of classes. */
        public B numClasses(int value) {
            this.numClasses = value;
            return self();
        }

        /** The current image size, for checks that depend on it. */
        protected int imageSize() {
            return imageSize;
        }

        /** Checks the shared settings; subclasses call it from {@code build()}. */
        protected void validateInput() {
            Layers.requirePositive("Input channels", inputChannels);
            Layers.requirePositive("Image size", imageSize);
            Layers.requirePositive("Number of classes", numClasses);
        }

        @SuppressWarnings("unchecked")
        private B self() {
            return (B) this;
        }
    }
}
