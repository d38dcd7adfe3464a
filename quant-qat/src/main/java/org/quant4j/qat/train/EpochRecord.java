package org.quant4j.qat.train;

/**
 * What one training epoch achieved.
 *
 * @param epoch              1-based epoch number
 * @param steps              optimizer steps in the epoch
 * @param trainLoss          mean cross-entropy over the epoch's (augmented) training batches
 * @param trainAccuracy      top-1 accuracy on those batches, in training mode
 * @param validationAccuracy top-1 accuracy on the validation split after the epoch, in inference mode
 * @param learningRate       learning rate of the epoch's last step
 * @param seconds            wall-clock time of the epoch including validation
 */
public record EpochRecord(int epoch, int steps, double trainLoss, double trainAccuracy, double validationAccuracy,
        double learningRate, double seconds) {
}
