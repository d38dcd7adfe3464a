package org.quant4j.tensorrt.probe;

import java.util.List;
import java.util.stream.Collectors;
import org.quant4j.api.provider.Availability;

/**
 * What {@link TensorRtProbe} found: every piece the TensorRT backend needs, in the order they
 * load, each found or missing. The backend can run only when nothing is missing.
 *
 * @param platform the JavaCPP platform name of this machine, e.g. {@code linux-x86_64}
 * @param pieces   every piece, found or not
 */
public record ProbeReport(String platform, List<NativePiece> pieces) {

    public ProbeReport {
        pieces = List.copyOf(pieces);
    }

    /** Whether every piece was found, so loading TensorRT may be attempted. */
    public boolean ready() {
        return pieces.stream().allMatch(NativePiece::found);
    }

    /** The pieces not found, in load order. */
    public List<NativePiece> missing() {
        return pieces.stream().filter(p -> !p.found()).toList();
    }

    /** The piece called {@code name}, if the probe checks it. */
    public java.util.Optional<NativePiece> piece(String name) {
        return pieces.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * {@code missing libcuda.so.1 (NVIDIA driver): install the NVIDIA driver...; missing ...}: every
     * missing piece with what to install, on one line.
     */
    public String reason() {
        List<NativePiece> missing = missing();
        if (missing.isEmpty()) {
            return "available on " + platform;
        }
        return missing.stream().map(p -> "missing " + p.name() + ": " + p.install())
                .collect(Collectors.joining("; "));
    }

    /** This report as a provider's availability. */
    public Availability availability() {
        return ready() ? Availability.AVAILABLE : Availability.unavailable(reason());
    }
}
