package org.quant4j.qat.train;

import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.pytorch.jni.JniUtils;
import org.quant4j.api.ModelException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DJL PyTorch engine, configured for this project: offline (libtorch comes from the
 * {@code pytorch-native-cpu} jar on the classpath, never from the network), one inter-op thread and
 * a chosen number of intra-op threads. DJL reads these settings when the engine first loads, so
 * they are set as system properties unless the caller set them already.
 */
public final class TorchRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(TorchRuntime.class);

    /** The DJL engine name. */
    public static final String ENGINE = "PyTorch";

    private TorchRuntime() {
    }

    /**
     * System property that overrides every caller's intra-op thread count (the quant-qat and CLI
     * tests set it to 1: with two threads, libtorch 2.7.1 trained the tiny test models to NaN in
     * some JVMs, with one thread in none observed).
     */
    public static final String THREADS_PROPERTY = "quant4j.torch.threads";

    /**
     * The PyTorch engine with {@code intraOpThreads} threads per operator.
     *
     * @throws ModelException when libtorch cannot be loaded
     */
    public static synchronized Engine engine(int requestedThreads) {
        int intraOpThreads = Integer.getInteger(THREADS_PROPERTY, requestedThreads);
        if (intraOpThreads < 1) {
            throw new IllegalArgumentException("Intra-op threads must be >= 1, got " + intraOpThreads);
        }
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(intraOpThreads));
        Engine engine;
        try {
            engine = Engine.getEngine(ENGINE);
        } catch (EngineException | IllegalArgumentException e) {
            throw new ModelException("Cannot load the DJL PyTorch engine: " + e.getMessage() + ". quant-qat needs"
                    + " ai.djl.pytorch:pytorch-engine, pytorch-jni and pytorch-native-cpu (classifier linux-x86_64) on"
                    + " the classpath; DJL extracts libtorch into DJL_CACHE_DIR/ENGINE_CACHE_DIR", e);
        }
        if (JniUtils.getNumThreads() != intraOpThreads) {
            JniUtils.setNumThreads(intraOpThreads);
            LOG.debug("PyTorch intra-op threads set to {}", intraOpThreads);
        }
        return engine;
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
