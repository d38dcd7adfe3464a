package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.provider.ProviderUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process-wide ONNX Runtime environment, loaded on first use (never when a provider is
 * instantiated). A failure to load the native library is kept and reported as an
 * {@link Availability} or a {@link ProviderUnavailableException} with the cause.
 *
 * <p>The native library is extracted once per ONNX Runtime version into quant4j's cache
 * ({@link OrtNativeLibraries}), not into a new temporary directory per JVM.
 *
 * <p>The environment logs at ERROR level only: ONNX Runtime writes its log straight to stderr,
 * outside SLF4J, so its warnings would otherwise reach the console of every application.
 */
public final class OrtRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(OrtRuntime.class);

    private OrtRuntime() {
    }

    /** Loaded once, on first access, by the class loader's thread-safe initialisation. */
    private static final class Holder {
        static final OrtEnvironment ENV;
        static final Throwable FAILURE;

        static {
            OrtEnvironment env = null;
            Throwable failure = null;
            try {
                OrtNativeLibraries.install();
                env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "quant4j");
                LOG.debug("Loaded ONNX Runtime {}", env.getVersion());
            } catch (LinkageError | RuntimeException e) {
                failure = e;
                LOG.warn("ONNX Runtime could not be loaded: {}", e.toString());
            }
            ENV = env;
            FAILURE = failure;
        }
    }

    /** Whether ONNX Runtime loads on this machine; loads it on first call. */
    public static Availability availability() {
        if (Holder.ENV != null) {
            return Availability.AVAILABLE;
        }
        return Availability.unavailable(unavailableReason(), Holder.FAILURE);
    }

    /**
     * The shared environment.
     *
     * @throws ProviderUnavailableException when the native library cannot be loaded here
     */
    public static OrtEnvironment environment() {
        if (Holder.ENV == null) {
            throw new ProviderUnavailableException(unavailableReason(), Holder.FAILURE);
        }
        return Holder.ENV;
    }

    /** The ONNX Runtime version, e.g. {@code 1.29.0}. */
    public static String version() {
        return environment().getVersion();
    }

    private static String unavailableReason() {
        return "the ONNX Runtime native library could not be loaded (" + Holder.FAILURE + "). The"
                + " com.microsoft.onnxruntime:onnxruntime jar ships natives for linux-x64, linux-aarch64, osx-aarch64"
                + " and win-x64; on other platforms build ONNX Runtime and set onnxruntime.native.path";
    }
}
