package org.quant4j.sensitivity.gradient;

/**
 * The loss whose increase a {@link GradientEstimator} predicts, chosen to match the metric whose
 * drop the sensitivity analysis measures.
 */
public enum GradientObjective {
    /** Cross-entropy against the data's labels (top-1 accuracy): the empirical Fisher information. */
    CROSS_ENTROPY,
    /**
     * The KL divergence from the float model's output distribution (argmax agreement, unlabelled
     * data): the Fisher information with labels drawn from the float model's own softmax, which is
     * the Hessian of that divergence at the float weights.
     */
    KL_TO_FLOAT,
    /**
     * Half the squared error of the first output against the float model's (the noise metric): the
     * diagonal of the Gauss-Newton matrix {@code J'J}, from random sign projections of the output.
     */
    MSE_TO_FLOAT
}
