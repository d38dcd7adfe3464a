package org.quant4j.qat.train;

/** The optimizers training supports. */
public enum OptimizerKind {
    /** SGD with (heavy-ball) momentum and L2 weight decay. */
    SGD_MOMENTUM,
    /** Adam with decoupled weight decay (Loshchilov and Hutter 2019). */
    ADAMW
}
