package org.quant4j.qat.model;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;

/**
 * An image classifier architecture: a recipe for fresh, uninitialised DJL blocks of one family,
 * width and depth, for square images of one size and a number of classes.
 */
public interface Architecture {

    /**
     * Epsilon of every batch norm of the families. DJL's {@code BatchNorm} does not expose its
     * epsilon, so the ONNX exporter writes this value; it is DJL's (and PyTorch's) default.
     */
    float BATCH_NORM_EPSILON = 1e-5f;

    /** The family the architecture belongs to. */
    ModelFamily family();

    /** Channels of an input image (1 for greyscale). */
    int inputChannels();

    /** Height and width of an input image. */
    int imageSize();

    /** Number of classes (the width of the output). */
    int numClasses();

    /** A new, uninitialised block; each call gives a block with its own parameters. */
    Block newBlock();

    /** A short description of the layers, for model cards and logs. */
    String describe();

    /** The NCHW shape of a batch of {@code batchSize} inputs. */
    default Shape inputShape(int batchSize) {
        return new Shape(batchSize, inputChannels(), imageSize(), imageSize());
    }
}
