package org.quant4j.onnxruntime.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtLoggingLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
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
                env = createEnvironment();
                LOG.debug("Loaded ONNX Runtime {}", env.getVersion());
            } catch (LinkageError | RuntimeException e) {
                failure = e;
                LOG.warn("ONNX Runtime could not be loaded: {}", e.toString());
            }
            ENV = env;
            FAILURE = failure;
        }
    }

    /**
     * Creates the environment on a thread of its own with a stack sized to the process's command line.
     * ONNX Runtime 1.29 recurses about once per character of the command line while it creates its
     * environment: on a thread with the JVM's default 1 MiB stack the process dies with SIGSEGV (no
     * Java exception, no hs_err file) once the command line passes about 4,000 characters, which a
     * long class path and a few dozen options reach (measured with {@code OrtEnvironment.getEnvironment()}
     * alone: 100 characters fine, 4,000 and more crash). The stack is only reserved; the recursion
     * touches about 300 bytes of it a character.
     */
    private static OrtEnvironment createEnvironment() {
        AtomicReference<OrtEnvironment> env = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread init = new Thread(null, () -> {
            try {
                env.set(OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "quant4j"));
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "quant4j-onnxruntime-init", initStackBytes());
        init.start();
        boolean interrupted = false;
        while (init.isAlive()) {
            try {
                init.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException r) {
            throw r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        if (t != null) {
            throw new IllegalStateException("ONNX Runtime's environment could not be created: " + t, t);
        }
        return env.get();
    }

    /** 64 MiB, plus 1 KiB a character of the command line where Linux tells it. */
    static long initStackBytes() {
        long commandLine = 0;
        try {
            commandLine = Files.readAllBytes(Path.of("/proc/self/cmdline")).length;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            // not Linux: the reserve alone
        }
        return (64L << 20) + 1024L * commandLine;
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
