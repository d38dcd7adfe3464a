package org.quant4j.api.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the CPU of a machine offers for 8-bit integer inference, read from the operating system
 * ({@code /proc/cpuinfo} on Linux), never assumed. When the CPU cannot be read, the value says so
 * ({@link #known()} is false, {@link #unknownReason()} says why) instead of guessing.
 *
 * <p>What matters for quantized models: on x86-64 without VNNI, ONNX Runtime's uint8 x int8 kernels
 * add pairs of products in saturating int16 ({@code vpmaddubsw}) and lose accuracy with full-range
 * int8 weights; with AVX-512 VNNI, AVX-VNNI or AMX the products are added in int32 and nothing
 * saturates. ARM64 CPUs with the dot-product extension ({@code asimddp}) add in int32 as well.
 */
public final class CpuFeatures {

    /** Where Linux lists the CPU's flags. */
    public static final Path PROC_CPUINFO = Path.of("/proc/cpuinfo");

    /**
     * System property naming a file to read instead of {@code /proc/cpuinfo}: the CPU of another
     * machine, or the CPU an emulator presents (qemu-user reports the host's {@code /proc/cpuinfo}
     * while its CPUID says otherwise).
     */
    public static final String CPUINFO_PROPERTY = "quant4j.cpuinfo";

    /** How {@link #int8Kind()} starts for a CPU that could not be read. */
    private static final String UNKNOWN_KIND = "unknown (";

    private static volatile CpuFeatures host;

    private final String arch;
    private final String model;
    private final Set<String> flags;
    private final String source;
    private final String unknownReason;

    private CpuFeatures(String arch, String model, Set<String> flags, String source, String unknownReason) {
        this.arch = Objects.requireNonNull(arch, "arch");
        this.model = Objects.requireNonNull(model, "model");
        this.flags = Collections.unmodifiableSet(new TreeSet<>(flags));
        this.source = Objects.requireNonNull(source, "source");
        this.unknownReason = unknownReason;
    }

    /**
     * The CPU of this machine, read once per JVM (from the file of {@value #CPUINFO_PROPERTY} when set).
     *
     * @return the cached features; an unknown value when the CPU could not be read
     */
    public static CpuFeatures host() {
        CpuFeatures h = host;
        if (h == null) {
            synchronized (CpuFeatures.class) {
                h = host;
                if (h == null) {
                    String file = System.getProperty(CPUINFO_PROPERTY);
                    h = detect(System.getProperty("os.name", ""), System.getProperty("os.arch", ""),
                            file == null || file.isBlank() ? PROC_CPUINFO : Path.of(file));
                    host = h;
                }
            }
        }
        return h;
    }

    /**
     * Reads the CPU of a machine running {@code osName} on {@code arch}, from {@code cpuinfo} on Linux;
     * an unknown value on other systems or when the file cannot be read or holds no flags.
     */
    static CpuFeatures detect(String osName, String arch, Path cpuinfo) {
        if (!osName.toLowerCase(Locale.ROOT).contains("linux")) {
            return unknown(arch, "CPU features are read from /proc/cpuinfo, which " + osName + " does not have");
        }
        try {
            return parseCpuinfo(Files.readString(cpuinfo, StandardCharsets.UTF_8), arch, cpuinfo.toString());
        } catch (IOException | RuntimeException e) {
            return unknown(arch, "cannot read " + cpuinfo + ": " + e.getMessage());
        }
    }

    /**
     * The CPU described by the text of a Linux {@code /proc/cpuinfo}: the flags of its first processor
     * (x86 {@code flags}, ARM {@code Features}) and its model name.
     *
     * @param text the whole content of a {@code /proc/cpuinfo} file
     * @param arch the JVM's {@code os.arch} (e.g. {@code amd64}, {@code aarch64}), normalised to
     *     {@code x86-64} or {@code arm64}
     * @param source where the text came from, for messages and provenance
     * @return the features; an unknown value when the text lists no flags
     */
    public static CpuFeatures parseCpuinfo(String text, String arch, String source) {
        String model = null;
        Set<String> flags = null;
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && flags != null) {
                    break; // the first processor's block is complete
                }
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            if (model == null && (key.equals("model name") || key.equals("cpu model") || key.equals("hardware"))) {
                model = value;
            } else if (flags == null && (key.equals("flags") || key.equals("features"))) {
                flags = new TreeSet<>(List.of(value.toLowerCase(Locale.ROOT).split("\\s+")));
                flags.remove("");
            }
        }
        String a = normaliseArch(arch);
        if (flags == null || flags.isEmpty()) {
            return unknown(a, source + " lists no CPU flags");
        }
        return new CpuFeatures(a, model == null ? "unknown model" : model, flags, source, null);
    }

    /**
     * A CPU that could not be read, with the reason.
     *
     * @param arch the JVM's {@code os.arch}, normalised as in {@link #arch()}; may be null or empty
     * @param reason why the CPU could not be read, not null
     * @return features with no flags, model {@code unknown} and source {@code none}
     */
    public static CpuFeatures unknown(String arch, String reason) {
        return new CpuFeatures(normaliseArch(arch), "unknown", Set.of(), "none",
                Objects.requireNonNull(reason, "reason"));
    }

    private static String normaliseArch(String arch) {
        String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
        return switch (a) {
            case "amd64", "x86_64", "x86-64" -> "x86-64";
            case "aarch64", "arm64" -> "arm64";
            default -> a.isEmpty() ? "unknown" : a;
        };
    }

    /**
     * True when the CPU was read; false when nothing is known about it.
     *
     * @return whether the flags were read
     */
    public boolean known() {
        return unknownReason == null;
    }

    /**
     * Why the CPU is unknown, when it is.
     *
     * @return the reason, or empty when {@link #known()} is true
     */
    public Optional<String> unknownReason() {
        return Optional.ofNullable(unknownReason);
    }

    /**
     * {@code x86-64}, {@code arm64} or the JVM's name of another architecture.
     *
     * @return the normalised architecture, {@code unknown} when the JVM gave none
     */
    public String arch() {
        return arch;
    }

    /**
     * The model name the OS reports, e.g. {@code AMD EPYC 9R14}.
     *
     * @return the model name; {@code unknown model} when the OS lists none, {@code unknown} when the
     *     CPU could not be read
     */
    public String model() {
        return model;
    }

    /**
     * The raw flags, lower case, as the OS names them (e.g. {@code avx512_vnni}, {@code asimddp}).
     *
     * @return the flags, sorted and unmodifiable; empty when the CPU is unknown
     */
    public Set<String> flags() {
        return flags;
    }

    /**
     * Where the features were read from ({@code /proc/cpuinfo}), or {@code none}.
     *
     * @return the file (or other source) name, {@code none} for an unknown CPU
     */
    public String source() {
        return source;
    }

    /**
     * Whether the OS lists a CPU flag.
     *
     * @param flag a flag as {@code /proc/cpuinfo} names it, in any case (e.g. {@code avx2})
     * @return true when the first processor has it
     */
    public boolean has(String flag) {
        return flags.contains(flag.toLowerCase(Locale.ROOT));
    }

    /**
     * AVX2 (256-bit integer SIMD).
     *
     * @return true when the CPU has the {@code avx2} flag
     */
    public boolean avx2() {
        return has("avx2");
    }

    /**
     * AVX-512 Foundation.
     *
     * @return true when the CPU has the {@code avx512f} flag
     */
    public boolean avx512() {
        return has("avx512f");
    }

    /**
     * AVX-512 VNNI ({@code vpdpbusd} on 512-bit registers).
     *
     * @return true when the CPU has the {@code avx512_vnni} flag
     */
    public boolean avx512Vnni() {
        return has("avx512_vnni");
    }

    /**
     * AVX-VNNI (the VEX-encoded {@code vpdpbusd} on 256-bit registers).
     *
     * @return true when the CPU has the {@code avx_vnni} flag
     */
    public boolean avxVnni() {
        return has("avx_vnni");
    }

    /**
     * AMX with int8 tiles.
     *
     * @return true when the CPU has the {@code amx_int8} flag
     */
    public boolean amxInt8() {
        return has("amx_int8");
    }

    /**
     * ARM64 dot-product instructions ({@code sdot}/{@code udot}).
     *
     * @return true when the CPU has the {@code asimddp} flag
     */
    public boolean armDotProduct() {
        return has("asimddp");
    }

    /**
     * ARM64 int8 matrix multiply ({@code smmla}/{@code ummla}).
     *
     * @return true when the CPU has the {@code i8mm} flag
     */
    public boolean armI8mm() {
        return has("i8mm");
    }

    /**
     * True when 8-bit products are accumulated in 32 bits, so full-range int8 weights cannot saturate:
     * x86-64 with AVX-512 VNNI, AVX-VNNI or AMX; ARM64 with the dot-product extension.
     *
     * @return whether int8 kernels on this CPU are free of int16 saturation; false when unknown
     */
    public boolean int8AccumulatesIn32Bits() {
        return avx512Vnni() || avxVnni() || amxInt8() || armDotProduct();
    }

    /**
     * The kind of CPU for 8-bit inference, as stated beside every measured figure: e.g.
     * {@code x86-64 AVX-512 VNNI}, {@code x86-64 AVX2 (no VNNI)}, {@code arm64 dotprod}, or
     * {@code unknown (reason)}.
     *
     * @return a short human-readable label, never empty
     */
    public String int8Kind() {
        if (!known()) {
            return UNKNOWN_KIND + unknownReason + ")";
        }
        if (arch.equals("x86-64")) {
            if (amxInt8()) {
                return "x86-64 AMX";
            }
            if (avx512Vnni()) {
                return "x86-64 AVX-512 VNNI";
            }
            if (avxVnni()) {
                return "x86-64 AVX-VNNI";
            }
            if (avx2()) {
                return "x86-64 AVX2 (no VNNI)";
            }
            return "x86-64 without AVX2";
        }
        if (arch.equals("arm64")) {
            return armDotProduct() ? (armI8mm() ? "arm64 dotprod i8mm" : "arm64 dotprod") : "arm64 (no dotprod)";
        }
        return arch;
    }

    /**
     * The instruction sets that matter for int8 inference that this CPU has, e.g. {@code avx2 avx512f avx512_vnni}.
     *
     * @return the flags separated by spaces, or {@code none}
     */
    public String int8Flags() {
        List<String> out = new ArrayList<>();
        for (String f : List.of("avx2", "avx512f", "avx512_vnni", "avx_vnni", "avx512_bf16", "amx_int8", "asimddp",
                "i8mm")) {
            if (has(f)) {
                out.add(f);
            }
        }
        return out.isEmpty() ? "none" : String.join(" ", out);
    }

    /**
     * One line for reports and logs: the model, the kind and the flags.
     *
     * @return {@code model (kind; flags)}, or the kind alone for an unknown CPU
     */
    public String summary() {
        return summary(model, int8Kind(), int8Flags());
    }

    /**
     * The line of {@link #summary()} from its parts as recorded elsewhere (a report's results):
     * {@code model (kind; flags)}, or the kind alone, with its reason, for a CPU that could not be read.
     *
     * @param model the CPU model name, as {@link #model()}
     * @param int8Kind the kind, as {@link #int8Kind()}
     * @param int8Flags the flags, as {@link #int8Flags()}
     * @return the summary line
     */
    public static String summary(String model, String int8Kind, String int8Flags) {
        return isUnknownKind(int8Kind) ? int8Kind : model + " (" + int8Kind + "; " + int8Flags + ")";
    }

    /**
     * True for the {@link #int8Kind()} of a CPU that could not be read.
     *
     * @param int8Kind a value of {@link #int8Kind()}, possibly read back from a report
     * @return whether it starts with {@code unknown (}
     */
    public static boolean isUnknownKind(String int8Kind) {
        return int8Kind.startsWith(UNKNOWN_KIND);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CpuFeatures c && arch.equals(c.arch) && model.equals(c.model) && flags.equals(c.flags)
                && source.equals(c.source) && Objects.equals(unknownReason, c.unknownReason);
    }

    @Override
    public int hashCode() {
        return Objects.hash(arch, model, flags, source, unknownReason);
    }

    @Override
    public String toString() {
        return "CpuFeatures[" + summary() + "]";
    }
}
