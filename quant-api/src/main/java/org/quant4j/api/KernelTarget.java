package org.quant4j.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.quant4j.api.platform.CpuFeatures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CPUs an INT8 model is written for. On x86-64 without VNNI, ONNX Runtime's uint8 x int8
 * kernels add pairs of products in saturating int16; full-range int8 weights then lose accuracy.
 *
 * <ul>
 *   <li>{@link #PORTABLE} (the default): accurate on every x86-64 CPU with AVX2 or later and on
 *       ARM64. For layers whose integer kernel pairs products in int16 (Conv, Gemm, MatMul, LSTM),
 *       each output channel's scale is at least its largest pair of same-sign weights over 127, so
 *       no pair of int8 levels exceeds 128 in magnitude and no pair of uint8 x int8 products
 *       exceeds {@code 255 * 128 = 32640 <= 32767}: full int8 precision wherever a weight's
 *       neighbour in its pair allows it, 7 bits at worst. Where the pairing order is not known
 *       (ConvTranspose) the levels are {@code [-64, 64]}; depthwise convolutions, which ONNX Runtime
 *       adds in int32, keep {@code [-127, 127]}.</li>
 *   <li>{@link #VNNI}: full 8-bit weights {@code [-127, 127]} everywhere, for CPUs that add int8
 *       products in int32 (AVX-512 VNNI, AVX-VNNI, AMX, ARM dot product). Loses accuracy on AVX2.</li>
 *   <li>{@link #HOST}: this machine's CPU decides, read by {@link CpuFeatures#host()}; a CPU that
 *       cannot be read gives {@link #PORTABLE}, with a warning.</li>
 * </ul>
 */
public enum KernelTarget {
    /**
     * Accurate on every x86-64 CPU with AVX2 or later and on ARM64: weights keep int16 pair sums in range.
     */
    PORTABLE("portable"),
    /** Full 8-bit weights, for CPUs that add int8 products in int32. */
    VNNI("vnni"),
    /** Whichever of the other two suits this machine's CPU. */
    HOST("host");

    private static final Logger LOG = LoggerFactory.getLogger(KernelTarget.class);

    /** The fallback of 'host' on an unreadable CPU is logged once per JVM, not once per weight. */
    private static final AtomicBoolean UNKNOWN_CPU_LOGGED = new AtomicBoolean();

    private final String id;

    KernelTarget(String id) {
        this.id = id;
    }

    /**
     * The name used on the command line and in provenance.
     *
     * @return the lower-case id, e.g. {@code portable}
     */
    public String id() {
        return id;
    }

    /**
     * Finds a target by name (case-insensitive), with an error listing the valid names.
     *
     * @param name an id such as {@code vnni}, in any case; surrounding spaces ignored
     * @return the target
     * @throws InvalidInputException when the name is null or unknown
     */
    public static KernelTarget parse(String name) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (KernelTarget t : values()) {
            if (t.id.equals(wanted)) {
                return t;
            }
        }
        throw new InvalidInputException("Unknown kernel target '" + name + "': use one of "
                + Arrays.stream(values()).map(KernelTarget::id).collect(Collectors.joining(", "))
                + " (portable: accurate on every x86-64 AVX2+ and ARM64 CPU; vnni: full 8-bit weights for CPUs"
                + " with VNNI/AMX or ARM dot product; host: chosen from this machine's CPU)");
    }

    /**
     * This target with {@link #HOST} resolved for this machine's CPU.
     *
     * @return {@link #PORTABLE} or {@link #VNNI}
     */
    public KernelTarget resolve() {
        return resolve(CpuFeatures.host());
    }

    /**
     * This target with {@link #HOST} resolved for {@code cpu}: {@link #VNNI} when it adds int8
     * products in 32 bits, {@link #PORTABLE} otherwise, and {@link #PORTABLE} with a warning when
     * the CPU is unknown.
     *
     * @param cpu the CPU the model will run on
     * @return this target unless it is {@link #HOST}; never {@link #HOST}
     */
    public KernelTarget resolve(CpuFeatures cpu) {
        if (this != HOST) {
            return this;
        }
        if (!cpu.known()) {
            if (UNKNOWN_CPU_LOGGED.compareAndSet(false, true)) {
                LOG.warn("Kernel target 'host': the CPU of this machine cannot be read ({}); writing a portable model",
                        cpu.unknownReason().orElse("no reason given"));
            }
            return PORTABLE;
        }
        return cpu.int8AccumulatesIn32Bits() ? VNNI : PORTABLE;
    }

    /**
     * True when weights read by kernels that pair products in int16 must keep those pair sums within
     * int16: this target, resolved for this machine, is {@link #PORTABLE}.
     *
     * @return true when pair sums of weights must be limited for int16 kernels
     */
    public boolean limitsPairSums() {
        return resolve() == PORTABLE;
    }
}
