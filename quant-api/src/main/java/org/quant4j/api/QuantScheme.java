package org.quant4j.api;

import java.util.Objects;

/**
 * How real values map to integers: target precision, symmetric or asymmetric, per-tensor or
 * per-channel (with the channel axis), and whether the most negative level is left unused
 * (narrow range, {@code [-127, 127]} for int8, as TensorRT and ONNX Runtime do for weights), and
 * whether only 7-bit levels are used (reduced range, {@code [-64, 64]} for int8 and {@code [0, 127]}
 * for uint8, as ONNX Runtime's {@code reduce_range}; the {@link KernelTarget#PORTABLE} target uses it
 * only where the order in which a kernel pairs products is not known).
 */
public final class QuantScheme {

    /** Signed int8, symmetric, per-tensor: TensorRT's activation scheme. */
    public static final QuantScheme INT8_SYMMETRIC = builder().precision(Precision.INT8).symmetric(true).build();
    /** Unsigned int8, asymmetric, per-tensor: ONNX Runtime's default activation scheme. */
    public static final QuantScheme UINT8_ASYMMETRIC = builder().precision(Precision.UINT8).symmetric(false).build();

    private final Precision precision;
    private final boolean symmetric;
    private final boolean perChannel;
    private final int axis;
    private final boolean narrowRange;
    private final boolean reducedRange;

    private QuantScheme(Builder b) {
        this.precision = b.precision;
        this.symmetric = b.symmetric;
        this.perChannel = b.perChannel;
        this.axis = b.axis;
        this.narrowRange = b.narrowRange;
        this.reducedRange = b.reducedRange;
    }

    /**
     * A new builder with the defaults listed on {@link Builder}.
     *
     * @return a fresh builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A per-channel, symmetric, narrow-range signed int8 scheme along {@code axis}: the usual weight scheme.
     *
     * @param axis the weight's channel axis, &gt;= 0
     * @return the scheme
     */
    public static QuantScheme int8WeightsPerChannel(int axis) {
        return builder().precision(Precision.INT8).symmetric(true).narrowRange(true).perChannel(axis).build();
    }

    /**
     * A per-tensor, symmetric, narrow-range signed int8 scheme for weights.
     *
     * @return the scheme
     */
    public static QuantScheme int8WeightsPerTensor() {
        return builder().precision(Precision.INT8).symmetric(true).narrowRange(true).build();
    }

    /**
     * The integer type values are quantized to.
     *
     * @return the precision, always an integer type
     */
    public Precision precision() {
        return precision;
    }

    /**
     * Whether the range is symmetric around 0: zero point 0 for signed types, the middle level for
     * unsigned ones.
     *
     * @return true for a symmetric scheme, false for an asymmetric one with a fitted zero point
     */
    public boolean symmetric() {
        return symmetric;
    }

    /**
     * Whether each channel along {@link #axis()} has its own scale and zero point.
     *
     * @return true for per-channel, false for per-tensor
     */
    public boolean perChannel() {
        return perChannel;
    }

    /**
     * The channel axis; {@code -1} for per-tensor schemes.
     *
     * @return the axis index, or -1
     */
    public int axis() {
        return axis;
    }

    /**
     * Whether the most negative level is left unused, e.g. {@code [-127, 127]} for int8.
     *
     * @return true for narrow range
     */
    public boolean narrowRange() {
        return narrowRange;
    }

    /**
     * True when one bit fewer is used: {@code [-64, 64]} for int8 (symmetric, so narrow range changes
     * nothing), {@code [0, 127]} for uint8; in general half the levels of the precision.
     *
     * @return true for reduced range
     */
    public boolean reducedRange() {
        return reducedRange;
    }

    /**
     * Smallest integer level used, honouring narrow and reduced range.
     *
     * @return the lowest level, e.g. -128, -127 or -64 for int8, 0 for uint8
     */
    public int qmin() {
        if (reducedRange) {
            return precision.isSigned() ? -(1 << (precision.bits() - 2)) : 0;
        }
        return narrowRange ? precision.qmin() + 1 : precision.qmin();
    }

    /**
     * Largest integer level used, honouring reduced range.
     *
     * @return the highest level, e.g. 127 or 64 for int8, 255 or 127 for uint8
     */
    public int qmax() {
        if (reducedRange) {
            return precision.isSigned() ? 1 << (precision.bits() - 2) : (1 << (precision.bits() - 1)) - 1;
        }
        return precision.qmax();
    }

    /**
     * A builder holding every setting of this scheme, to derive a changed copy.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder().precision(precision).symmetric(symmetric).narrowRange(narrowRange)
                .reducedRange(reducedRange);
        return perChannel ? b.perChannel(axis) : b.perTensor();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuantScheme s && precision == s.precision && symmetric == s.symmetric
                && perChannel == s.perChannel && axis == s.axis && narrowRange == s.narrowRange
                && reducedRange == s.reducedRange;
    }

    @Override
    public int hashCode() {
        return Objects.hash(precision, symmetric, perChannel, axis, narrowRange, reducedRange);
    }

    @Override
    public String toString() {
        return precision.name().toLowerCase(java.util.Locale.ROOT)
                + (symmetric ? " symmetric" : " asymmetric")
                + (perChannel ? " per-channel(axis=" + axis + ")" : " per-tensor")
                + (narrowRange ? " narrow-range" : "")
                + (reducedRange ? " reduced-range(" + qmin() + ".." + qmax() + ")" : "");
    }

    /** Builder of {@link QuantScheme}; defaults to int8, symmetric, per-tensor, full range. */
    public static final class Builder {
        private Precision precision = Precision.INT8;
        private boolean symmetric = true;
        private boolean perChannel;
        private int axis = -1;
        private boolean narrowRange;
        private boolean reducedRange;

        private Builder() {
        }

        /**
         * Sets the target precision (int8 by default); {@link #build()} requires an integer type.
         *
         * @param precision the precision, not null
         * @return this builder
         */
        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        /**
         * Chooses a symmetric (the default) or asymmetric range.
         *
         * @param symmetric true for symmetric
         * @return this builder
         */
        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        /**
         * Makes the scheme per-channel along {@code axis}.
         *
         * @param axis the channel axis, &gt;= 0
         * @return this builder
         */
        public Builder perChannel(int axis) {
            this.perChannel = true;
            this.axis = axis;
            return this;
        }

        /**
         * Makes the scheme per-tensor (the default), clearing any channel axis.
         *
         * @return this builder
         */
        public Builder perTensor() {
            this.perChannel = false;
            this.axis = -1;
            return this;
        }

        /**
         * Leaves the most negative level unused when true (false by default).
         *
         * @param narrowRange true for narrow range
         * @return this builder
         */
        public Builder narrowRange(boolean narrowRange) {
            this.narrowRange = narrowRange;
            return this;
        }

        /**
         * Use one bit fewer: {@code [-64, 64]} for int8, {@code [0, 127]} for uint8.
         *
         * @param reducedRange true for reduced range (false by default)
         * @return this builder
         */
        public Builder reducedRange(boolean reducedRange) {
            this.reducedRange = reducedRange;
            return this;
        }

        /**
         * Validates the settings and builds the scheme.
         *
         * @return the immutable scheme
         * @throws InvalidInputException when the precision is not an integer type, a per-channel scheme
         *     has a negative axis, or reduced range is asked of fewer than 4 bits
         */
        public QuantScheme build() {
            if (!precision.isInteger()) {
                throw new InvalidInputException("A quantization scheme needs an integer precision, got " + precision
                        + ": use FP16/BF16 conversion instead of a scheme for floating types");
            }
            if (perChannel && axis < 0) {
                throw new InvalidInputException("Per-channel quantization needs a channel axis >= 0, got " + axis);
            }
            if (reducedRange && precision.bits() < 4) {
                throw new InvalidInputException("Reduced range needs at least 4 bits, got " + precision);
            }
            return new QuantScheme(this);
        }
    }
}
