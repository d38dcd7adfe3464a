package org.quant4j.tensorrt.probe;

import java.util.Objects;

/**
 * One thing the TensorRT backend needs on this machine, whether the probe found it, and where or
 * how to get it.
 *
 * @param name    what it is, e.g. {@code "libcuda.so.1 (NVIDIA driver)"}
 * @param found   whether the probe found it
 * @param detail  where it was found, or what was searched
 * @param install what to do when it is missing (empty when found)
 */
public record NativePiece(String name, boolean found, String detail, String install) {

    public NativePiece {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(install, "install");
    }

    static NativePiece found(String name, String where) {
        return new NativePiece(name, true, where, "");
    }

    static NativePiece missing(String name, String searched, String install) {
        return new NativePiece(name, false, searched, install);
    }

    @Override
    public String toString() {
        return found ? name + ": found (" + detail + ")" : name + ": missing (" + detail + "); " + install;
    }
}
