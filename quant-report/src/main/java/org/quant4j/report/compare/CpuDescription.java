package org.quant4j.report.compare;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.platform.CpuFeatures;

/**
 * The CPU a comparison was measured on, as its report records it: what {@link CpuFeatures} read on
 * the measuring machine, kept as text, so that a report re-rendered on another machine still names
 * the CPU its numbers come from. The CPU matters because INT8 accuracy depends on it: without VNNI,
 * ONNX Runtime's x86-64 kernels add pairs of uint8 x int8 products in saturating int16.
 *
 * @param model    the model name the OS reported, e.g. {@code AMD EPYC 9R14}; {@code unknown} when unread
 * @param int8Kind {@link CpuFeatures#int8Kind()}, e.g. {@code x86-64 AVX2 (no VNNI)}, or {@code unknown (reason)}
 * @param flags    {@link CpuFeatures#int8Flags()}, e.g. {@code avx2 avx512f avx512_vnni}, or {@code none}
 */
public record CpuDescription(String model, String int8Kind, String flags) {

    public CpuDescription {
        requireText(model, "model", "the CPU model name, or \"unknown\"");
        requireText(int8Kind, "int8Kind", "e.g. \"x86-64 AVX2 (no VNNI)\"");
        requireText(flags, "flags", "e.g. \"avx2 avx512f avx512_vnni\", or \"none\"");
    }

    /** The description of {@code cpu}. */
    public static CpuDescription of(CpuFeatures cpu) {
        return new CpuDescription(cpu.model(), cpu.int8Kind(), cpu.int8Flags());
    }

    /** False for a CPU that could not be read (its kind then says why). */
    public boolean known() {
        return !CpuFeatures.isUnknownKind(int8Kind);
    }

    /**
     * One line, the same as {@link CpuFeatures#summary()} gave on the measuring machine: model, kind
     * and flags, e.g. {@code AMD EPYC 9R14 (x86-64 AVX-512 VNNI; avx2 avx512f avx512_vnni)}; the kind
     * alone, with its reason, for a CPU that could not be read.
     */
    public String summary() {
        return CpuFeatures.summary(model, int8Kind, flags);
    }

    private static void requireText(String value, String field, String hint) {
        if (value == null || value.isBlank()) {
            throw new InvalidInputException("The CPU description needs its " + field + ": " + hint);
        }
    }
}
