package org.quant4j.qat.quantize;

import ai.djl.engine.Engine;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.quantize.DataNeed;
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
        } catch (ClassNotFoundException e) {
            return Availability.unavailable("the DJL PyTorch engine is not on the classpath: add"
                    + " ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu", e);
        }
        // Training runs offline, so libtorch must come from a native jar for this platform.
        String resource = "pytorch/cpu/" + platform() + "/libtorch" + (platform().startsWith("linux") ? ".so"
                : platform().startsWith("osx") ? ".dylib" : ".dll");
        if (getClass().getClassLoader().getResource(resource) == null) {
            return Availability.unavailable("no libtorch for " + platform() + " on the classpath (" + resource
                    + " missing): add ai.djl.pytorch:pytorch-native-cpu with the classifier " + platform());
        }
        return Availability.AVAILABLE;
    }

    /** DJL's platform classifier of this machine, e.g. {@code linux-x86_64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(java.util.Locale.ROOT);
        String osPart = os.startsWith("mac") ? "osx" : os.startsWith("win") ? "win" : "linux";
        String archPart = arch.equals("amd64") || arch.equals("x86_64") ? "x86_64" : "aarch64";
        return osPart + "-" + archPart;
    }

    /** The DJL version (the PyTorch version is known once the engine loads). */
    @Override
    public String backendVersion() {
        return "DJL " + Engine.getDjlVersion();
    }

    /**
     * Static INT8 trains on the whole labelled training set (and calibrates its initial ranges on a
     * part of it); QAT makes no other mode, so those declare nothing and the quantizer rejects them.
     */
    @Override
    public DataNeed dataNeed(QuantizationMode mode) {
        return mode == QuantizationMode.STATIC ? DataNeed.LABELLED_TRAINING_DATA : DataNeed.NONE;
    }

    @Override
    public Quantizer create() {
        return new QatQuantizer();
    }
}
