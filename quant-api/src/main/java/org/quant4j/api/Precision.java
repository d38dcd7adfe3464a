package org.quant4j.api;

import java.util.Locale;

/** Numeric precision of a tensor: floating types for compute, integer types for quantized storage. */
public enum Precision {
    /** IEEE 754 single precision, 32 bits. */
    FP32(32, false, true),
    /** IEEE 754 half precision, 16 bits. */
    FP16(16, false, true),
    /** bfloat16: 16 bits with float32's exponent range and 8 bits of significand. */
    BF16(16, false, true),
    /** Signed 8-bit integer, -128 to 127. */
    INT8(8, true, true),
    /** Unsigned 8-bit integer, 0 to 255. */
    UINT8(8, true, false),
    /** Signed 4-bit integer, -8 to 7. */
    INT4(4, true, true),
    /** Unsigned 4-bit integer, 0 to 15. */
    UINT4(4, true, false);

    private final int bits;
    private final boolean integer;
    private final boolean signed;

    Precision(int bits, boolean integer, boolean signed) {
        this.bits = bits;
        this.integer = integer;
        this.signed = signed;
    }

    /**
     * Width of one value.
     *
     * @return the number of bits, e.g. 8 for int8
     */
    public int bits() {
        return bits;
    }

    /**
     * Whether this is an integer (quantized) type.
     *
     * @return true for the integer types, false for the floating types
     */
    public boolean isInteger() {
        return integer;
    }

    /**
     * Whether the type holds negative values.
     *
     * @return true for the floating types and the signed integer types
     */
    public boolean isSigned() {
        return signed;
    }

    /**
     * Smallest representable integer; only defined for integer precisions.
     *
     * @return e.g. -128 for int8, 0 for uint8
     * @throws IllegalStateException for a floating precision
     */
    public int qmin() {
        requireInteger();
        return signed ? -(1 << (bits - 1)) : 0;
    }

    /**
     * Largest representable integer; only defined for integer precisions.
     *
     * @return e.g. 127 for int8, 255 for uint8
     * @throws IllegalStateException for a floating precision
     */
    public int qmax() {
        requireInteger();
        return signed ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
    }

    /**
     * Parses a name such as {@code int8} or {@code FP16}, with an error listing the valid names.
     *
     * @param name the constant's name in any case, surrounding spaces ignored
     * @return the precision
     * @throws InvalidInputException when the name is null or unknown
     */
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
