package org.quant4j.qat.model;

/** The three model families quant4j trains its reference models in. */
public enum ModelFamily {
    /** Basic residual blocks (Conv-BN-ReLU) with identity and projection shortcuts. */
    RESNET,
    /** Stacked 3x3 Conv(-BN)-ReLU with max pooling and a fully connected head with dropout. */
    VGG,
    /** MBConv blocks: 1x1 expansion, 3x3 depthwise, squeeze-and-excitation, 1x1 projection, SiLU. */
    EFFICIENTNET
}
