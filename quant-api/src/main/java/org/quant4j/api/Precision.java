package org.quant4j.api;

import java.util.Locale;

/** Numeric precision of a tensor: floating types for compute, integer types for quantized storage. */
public enum Precision {
    FP32(32, false, true),
    FP16(16, false, true),
    BF16(16, false, true),
    INT8(8, true, true),
    UINT8(8, true, false),
    INT4(4, true, true),
    UINT4(4, true, false);

    private final int bits;
    private final boolean integer;
    private final boolean signed;

    Precision(int bits, boolean integer, boolean signed) {
        this.bits = bits;
        this.integer = integer;
        this.signed = signed;
    }

    public int bits() {
        return bits;
    }

    public boolean isInteger() {
        return integer;
    }

    public boolean isSigned() {
        return signed;
    }

    /** Smallest representable integer; only defined for integer precisions. */
    public int qmin() {
        requireInteger();
        return signed ? -(1 << (bits - 1)) : 0;
    }

    /** Largest representable integer; only defined for integer precisions. */
    public int qmax() {
        requireInteger();
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /** Parses a name such as {@code int8} or {@code FP16}, with an error listing the valid names. */
    public static Precision parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidInputException("Unknown precision '" + name + "': use one of "
                    + java.util.Arrays.toString(values()).toLowerCase(Locale.ROOT));
        }
    }

    private void requireInteger() {
        if (!integer) {
            throw new IllegalStateException(this + " is a floating-point precision: it has no integer range");
        }
    }
}
