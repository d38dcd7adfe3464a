package org.quant4j.qat.quantize;

import ai.djl.engine.Engine;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.quantize.Quantizer;
import org.quant4j.api.quantize.QuantizerProvider;

/**
 * The {@code "qat"} quantizer, found through {@code META-INF/services}. Instantiating it loads no
 * native code: libtorch loads when the quantizer first trains.
 */
public final class QatQuantizerProvider implements QuantizerProvider {

    @Override
    public String name() {
        return QatQuantizer.NAME;
    }

    /** Below the post-training quantizers: QAT is chosen by name, never as the default. */
    @Override
    public int priority() {
        return 0;
    }

    @Override
    public Availability availability() {
        try {
            Class.forName("ai.djl.pytorch.engine.PtEngineProvider", false, getClass().getClassLoader());
            return Availability.AVAILABLE;
        } catch (ClassNotFoundException e) {
            return Availability.unavailable("the DJL PyTorch engine is not on the classpath: add"
                    + " ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu", e);
        }
    }

    /** The DJL version (the PyTorch version is known once the engine loads). */
    @Override
    public String backendVersion() {
        return "DJL " + Engine.getDjlVersion();
    }

    @Override
    public Quantizer create() {
        return new QatQuantizer();
    }
}
