package org.quant4j.tensorrt.engine;

import static org.bytedeco.cuda.global.cudart.cudaGetDeviceCount;
import static org.bytedeco.cuda.global.cudart.cudaGetErrorString;
import static org.bytedeco.cuda.global.cudart.cudaSuccess;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.tensorrt.global.nvinfer;
import org.bytedeco.tensorrt.global.nvonnxparser;
import org.quant4j.tensorrt.TensorRtException;
import org.quant4j.tensorrt.TensorRtUnavailableException;
import org.quant4j.tensorrt.probe.ProbeReport;
import org.quant4j.tensorrt.probe.TensorRtProbe;

/**
 * Loads TensorRT's and CUDA's natives once, thread-safely, and only after {@link TensorRtProbe}
 * found every piece: so a machine without them gets the probe's exact reason as a
 * {@link TensorRtUnavailableException}, never an {@link UnsatisfiedLinkError} or a crash. A load
 * that still fails (a driver too old for CUDA 13, say) or a CUDA runtime that sees no device is
 * reported the same way, with the native text.
 */
public final class TensorRtRuntime {

    private static volatile String version;
    private static volatile RuntimeException failure;

    private TensorRtRuntime() {
    }

    /**
     * Makes sure TensorRT can run here.
     *
     * @return the TensorRT library version, e.g. {@code 10.15.1}
     * @throws TensorRtUnavailableException naming what is missing
     */
    public static String require() {
        String v = version;
        if (v != null) {
            return v;
        }
        synchronized (TensorRtRuntime.class) {
            if (version != null) {
                return version;
            }
            if (failure != null) {
                throw failure;
            }
            ProbeReport report = TensorRtProbe.host();
            if (!report.ready()) {
                // Not cached as a failure object: the probe's own report is cached.
                throw new TensorRtUnavailableException("TensorRT cannot run here: " + report.reason(), null);
            }
            try {
                Loader.load(cudart.class);
                Loader.load(nvinfer.class);
                Loader.load(nvonnxparser.class);
                int[] count = new int[1];
                int code = cudaGetDeviceCount(count);
                if (code != cudaSuccess || count[0] == 0) {
                    throw new TensorRtUnavailableException("TensorRT cannot run here: CUDA sees no GPU ("
                            + (code != cudaSuccess ? cudaGetErrorString(code).getString() : "0 devices")
                            + "): check the NVIDIA driver with nvidia-smi", null);
                }
                int lib = nvinfer.getInferLibVersion();
                version = (lib / 10000) + "." + (lib / 100 % 100) + "." + (lib % 100);
                return version;
            } catch (UnsatisfiedLinkError | ExceptionInInitializerError | NoClassDefFoundError e) {
                failure = new TensorRtUnavailableException("TensorRT's natives failed to load although the probe"
                        + " found them (" + e + "): check that the driver supports CUDA 13 (nvidia-smi) and that"
                        + " TensorRT is 10.x", e);
                throw failure;
            } catch (TensorRtUnavailableException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** Throws a {@link TensorRtException} with CUDA's text when {@code code} is not {@code cudaSuccess}. */
    static void check(int code, String what) {
        if (code != cudaSuccess) {
            throw new TensorRtException("CUDA failed to " + what + ": " + cudaGetErrorString(code).getString()
                    + " (error " + code + ")");
        }
    }

    /**
     * Releases what JavaCPP owns of {@code p}, ignoring null. Objects TensorRT returns have no
     * deallocator in the 10.15 presets (and TensorRT 10 no {@code destroy()}), so for them this
     * frees nothing native; objects quant4j allocates (the logger, the calibrators) are deleted.
     */
    static void close(Pointer p) {
        if (p != null && !p.isNull()) {
            p.close();
        }
    }
}
