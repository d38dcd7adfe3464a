package org.quant4j.tensorrt.calibration;

import org.quant4j.api.InvalidInputException;

/**
 * One network input as calibration fills it: its name and the float32 elements of one sample.
 *
 * @param name           the input's name in the network (the ONNX graph input)
 * @param sampleElements elements of one sample, the product of the input's dimensions after the batch
 */
public record FeedInput(String name, long sampleElements) {

    public FeedInput {
        if (name == null || name.isBlank()) {
            throw new InvalidInputException("A calibration input needs the network input's name");
        }
        if (sampleElements <= 0) {
            throw new InvalidInputException("Input '" + name + "' has " + sampleElements + " elements per sample;"
                    + " calibration needs inputs of a fixed, positive size: export the model with static dimensions"
                    + " after the batch");
        }
    }
}
