package org.quant4j.tensorrt.probe;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A machine described by hand: which classes, resources, libraries and GPUs it has. */
final class FakeHost implements Host {
    String os = "Linux";
    String arch = "amd64";
    final Set<String> classes = new HashSet<>();
    final Set<String> resources = new HashSet<>();
    final Map<String, String> libraries = new HashMap<>();
    final List<String> gpus = new ArrayList<>();

    /** A Linux x86_64 machine with everything the backend needs, from the system and the platform jars. */
    static FakeHost complete() {
        FakeHost h = new FakeHost();
        h.classes.add("org.bytedeco.tensorrt.global.nvinfer");
        h.classes.add("org.bytedeco.cuda.global.cudart");
        h.resources.add("org/bytedeco/tensorrt/linux-x86_64/libjninvinfer.so");
        h.resources.add("org/bytedeco/cuda/linux-x86_64/libjnicudart.so");
        h.libraries.put("libcuda.so.1", "/usr/lib/x86_64-linux-gnu/libcuda.so.1");
        h.libraries.put("libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.13");
        h.libraries.put("libnvinfer.so.10", "/usr/lib/x86_64-linux-gnu/libnvinfer.so.10");
        h.libraries.put("libnvonnxparser.so.10", "/usr/lib/x86_64-linux-gnu/libnvonnxparser.so.10");
        h.gpus.add("/dev/nvidia0");
        return h;
    }

    @Override
    public String osName() {
        return os;
    }

    @Override
    public String osArch() {
        return arch;
    }

    @Override
    public boolean hasClass(String className) {
        return classes.contains(className);
    }

    @Override
    public boolean hasResource(String path) {
        return resources.contains(path);
    }

    @Override
    public Optional<String> findLibrary(String fileName) {
        return Optional.ofNullable(libraries.get(fileName));
    }

    @Override
    public List<String> gpuDevices() {
        return gpus;
    }
}
