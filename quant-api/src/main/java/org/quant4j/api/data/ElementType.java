package org.quant4j.api.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The element type of a {@link Tensor}: the numeric types a model input commonly takes, each with
 * its size and the lower-case name used in messages ({@code float32}, {@code int64}, ...).
 */
public enum ElementType {
    /** IEEE 754 single precision. */
    FLOAT32(4),
    /** IEEE 754 half precision, held as its 16 bits. */
    FLOAT16(2),
    /** Signed 64-bit integer (token ids, say). */
    INT64(8),
    /** Signed 32-bit integer. */
    INT32(4),
    /** Signed 8-bit integer. */
    INT8(1),
    /** Unsigned 8-bit integer. */
    UINT8(1),
    /** Boolean, one byte per element: 0 is false, anything else true. */
    BOOL(1);

    private final int bytes;

    ElementType(int bytes) {
        this.bytes = bytes;
    }

    /**
     * Bytes per element.
     *
     * @return 4 for float32, 2 for float16, 8 for int64, 4 for int32, 1 for int8, uint8 and bool
     */
    public int bytes() {
        return bytes;
    }

    /**
     * The lower-case name, e.g. {@code float32}.
     *
     * @return the id
     */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The names of all element types, for messages: {@code float32, float16, ...}.
     *
     * @return the ids separated by commas
     */
    public static String names() {
        return Arrays.stream(values()).map(ElementType::id).collect(Collectors.joining(", "));
    }

    @Override
    public String toString() {
        return id();
    }
}
