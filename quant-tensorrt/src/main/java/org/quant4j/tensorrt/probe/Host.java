package org.quant4j.tensorrt.probe;

import java.util.List;
import java.util.Optional;

/**
 * What {@link TensorRtProbe} asks of the machine, behind an interface so that each answer can be
 * replaced in tests. Nothing here loads native code.
 */
public interface Host {

    /** {@code os.name}, e.g. {@code Linux}. */
    String osName();

    /** {@code os.arch}, e.g. {@code amd64}. */
    String osArch();

    /** Whether the class can be found without initialising it (initialising would load natives). */
    boolean hasClass(String className);

    /** Whether the class path holds the resource, e.g. a JNI library inside a platform jar. */
    boolean hasResource(String path);

    /**
     * Where the dynamic linker would find the shared library {@code fileName}, e.g.
     * {@code libcuda.so.1}; empty when none of the places it searches holds it.
     */
    Optional<String> findLibrary(String fileName);

    /** Where the NVIDIA GPU devices of this machine are listed (device files, driver entries); empty when none. */
    List<String> gpuDevices();
}
