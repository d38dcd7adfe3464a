package org.quant4j.tensorrt.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds out, without loading any native code, whether the TensorRT backend can run here, and
 * when not exactly what is missing and what to install: the Java classes of the JavaCPP presets,
 * their JNI libraries for this platform (the optional platform jars), the NVIDIA driver
 * ({@code libcuda.so.1}), a GPU device, and the CUDA runtime and TensorRT libraries (from the
 * system or the presets' {@code -redist} jars). Every piece is checked and reported, not only the
 * first missing one. A complete report does not promise that loading succeeds (a driver too old
 * for CUDA 13, say): the backend's first native call reports that as
 * {@link org.quant4j.tensorrt.TensorRtUnavailableException}.
 *
 * <p>The presets this module is built against: TensorRT {@value #TENSORRT_PRESETS} (TensorRT 10.15)
 * on CUDA {@value #CUDA_PRESETS} (CUDA 13.1, cuDNN 9.19).
 */
public final class TensorRtProbe {

    /** The TensorRT presets version, {@code org.bytedeco:tensorrt}. */
    public static final String TENSORRT_PRESETS = "10.15-1.5.13";
    /** The CUDA presets version, {@code org.bytedeco:cuda}. */
    public static final String CUDA_PRESETS = "13.1-9.19-1.5.13";

    /** Piece name of the NVIDIA driver library. */
    public static final String DRIVER = "libcuda.so.1 (NVIDIA driver)";
    /** Piece name of the GPU device. */
    public static final String GPU = "NVIDIA GPU device";

    private static final String CUDART = "libcudart.so.13";
    private static final String NVINFER = "libnvinfer.so.10";
    private static final String NVONNXPARSER = "libnvonnxparser.so.10";

    private static volatile ProbeReport hostReport;

    private TensorRtProbe() {
    }

    /** The report of this machine, probed once (the answer cannot change while the JVM runs). */
    public static ProbeReport host() {
        ProbeReport r = hostReport;
        if (r == null) {
            synchronized (TensorRtProbe.class) {
                r = hostReport;
                if (r == null) {
                    r = probe(new SystemHost(TensorRtProbe.class.getClassLoader()));
                    hostReport = r;
                }
            }
        }
        return r;
    }

    /** Probes {@code host}. */
    public static ProbeReport probe(Host host) {
        Optional<String> platform = platform(host.osName(), host.osArch());
        List<NativePiece> pieces = new ArrayList<>();
        pieces.add(javaClasses(host, "TensorRT Java classes", "org.bytedeco.tensorrt.global.nvinfer",
                "org.bytedeco:tensorrt:" + TENSORRT_PRESETS));
        pieces.add(javaClasses(host, "CUDA Java classes", "org.bytedeco.cuda.global.cudart",
                "org.bytedeco:cuda:" + CUDA_PRESETS));
        if (platform.isEmpty() || !platform.get().startsWith("linux-")) {
            String p = platform.orElse(host.osName() + "-" + host.osArch());
            pieces.add(NativePiece.missing("a supported platform", "this is " + p,
                    "the TensorRT backend runs on linux-x86_64 and linux-arm64 with an NVIDIA GPU"));
            return new ProbeReport(p, pieces);
        }
        String p = platform.get();
        pieces.add(jni(host, "TensorRT JNI library for " + p, "org/bytedeco/tensorrt/" + p + "/libjninvinfer.so",
                "add org.bytedeco:tensorrt:" + TENSORRT_PRESETS + ":" + p + " (the platform jar) to the class path"));
        pieces.add(jni(host, "CUDA JNI library for " + p, "org/bytedeco/cuda/" + p + "/libjnicudart.so",
                "add org.bytedeco:cuda:" + CUDA_PRESETS + ":" + p + " (the platform jar) to the class path"));
        pieces.add(host.findLibrary("libcuda.so.1").map(where -> NativePiece.found(DRIVER, where))
                .orElseGet(() -> NativePiece.missing(DRIVER, "not in LD_LIBRARY_PATH, /etc/ld.so.cache or the"
                        + " standard library directories", "install the NVIDIA driver (libcuda.so.1 comes with the"
                        + " driver, never with a jar; in a container run it with the NVIDIA container toolkit,"
                        + " e.g. docker run --gpus all)")));
        List<String> gpus = host.gpuDevices();
        pieces.add(gpus.isEmpty()
                ? NativePiece.missing(GPU, "no /proc/driver/nvidia/gpus entry and no /dev/nvidia0",
                        "run on a machine with an NVIDIA GPU and its driver loaded")
                : NativePiece.found(GPU, String.join(", ", gpus)));
        pieces.add(library(host, p, CUDART, "cuda", "CUDA 13 runtime",
                "install the CUDA 13 runtime (cuda-cudart-13-x) or add org.bytedeco:cuda:" + CUDA_PRESETS + ":" + p
                        + "-redist"));
        pieces.add(library(host, p, NVINFER, "tensorrt", "TensorRT 10 runtime",
                "install TensorRT 10.x (package libnvinfer10) or add org.bytedeco:tensorrt:" + TENSORRT_PRESETS + ":"
                        + p + "-redist"));
        pieces.add(library(host, p, NVONNXPARSER, "tensorrt", "TensorRT 10 ONNX parser",
                "install TensorRT 10.x (package libnvonnxparsers10) or add org.bytedeco:tensorrt:" + TENSORRT_PRESETS
                        + ":" + p + "-redist"));
        return new ProbeReport(p, pieces);
    }

    /** The JavaCPP platform name of {@code os.name}/{@code os.arch}, e.g. {@code linux-x86_64}. */
    public static Optional<String> platform(String osName, String osArch) {
        String os = osName.toLowerCase(Locale.ROOT);
        String arch = osArch.toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("windows") ? "windows"
                : os.startsWith("mac") ? "macosx" : null;
        String a = switch (arch) {
            case "amd64", "x86_64", "x86-64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> null;
        };
        return o == null || a == null ? Optional.empty() : Optional.of(o + "-" + a);
    }

    private static NativePiece javaClasses(Host host, String name, String className, String artifact) {
        return host.hasClass(className) ? NativePiece.found(name, className)
                : NativePiece.missing(name, className + " is not on the class path", "add " + artifact);
    }

    private static NativePiece jni(Host host, String name, String resource, String install) {
        return host.hasResource(resource) ? NativePiece.found(name, resource)
                : NativePiece.missing(name, resource + " is not on the class path", install);
    }

    /** A library from the system, else from the presets' {@code -redist} jar of {@code presets}. */
    private static NativePiece library(Host host, String platform, String fileName, String presets, String what,
            String install) {
        String name = fileName + " (" + what + ")";
        Optional<String> system = host.findLibrary(fileName);
        if (system.isPresent()) {
            return NativePiece.found(name, system.get());
        }
        String resource = "org/bytedeco/" + presets + "/" + platform + "/" + fileName;
        if (host.hasResource(resource)) {
            return NativePiece.found(name, resource);
        }
        return NativePiece.missing(name, "not in the system library paths and " + resource
                + " is not on the class path", install);
    }
}
