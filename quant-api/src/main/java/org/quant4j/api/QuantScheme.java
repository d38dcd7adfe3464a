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

    public static Builder builder() {
        return new Builder();
    }

    /** A per-channel, symmetric, narrow-range signed int8 scheme along {@code axis}: the usual weight scheme. */
    public static QuantScheme int8WeightsPerChannel(int axis) {
        return builder().precision(Precision.INT8).symmetric(true).narrowRange(true).perChannel(axis).build();
    }

    /** A per-tensor, symmetric, narrow-range signed int8 scheme for weights. */
    public static QuantScheme int8WeightsPerTensor() {
        return builder().precision(Precision.INT8).symmetric(true).narrowRange(true).build();
    }

    public Precision precision() {
        return precision;
    }

    public boolean symmetric() {
        return symmetric;
    }

    public boolean perChannel() {
        return perChannel;
    }

    /** The channel axis; {@code -1} for per-tensor schemes. */
    public int axis() {
        return axis;
    }

    public boolean narrowRange() {
        return narrowRange;
    }

    /**
     * True when one bit fewer is used: {@code [-64, 64]} for int8 (symmetric, so narrow range changes
     * nothing), {@code [0, 127]} for uint8; in general half the levels of the precision.
     */
    public boolean reducedRange() {
        return reducedRange;
    }

    /** Smallest integer level used, honouring narrow and reduced range. */
    public int qmin() {
        if (reducedRange) {
            return precision.isSigned() ? -(1 << (precision.bits() - 2)) : 0;
        }
        return narrowRange ? precision.qmin() + 1 : precision.qmin();
    }

    /** Largest integer level used, honouring reduced range. */
    public int qmax() {
        if (reducedRange) {
            return precision.isSigned() ? 1 << (precision.bits() - 2) : (1 << (precision.bits() - 1)) - 1;
        }
        return precision.qmax();
    }

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

        public Builder precision(Precision precision) {
            this.precision = Objects.requireNonNull(precision, "precision");
            return this;
        }

        public Builder symmetric(boolean symmetric) {
            this.symmetric = symmetric;
            return this;
        }

        public Builder perChannel(int axis) {
            this.perChannel = true;
            this.axis = axis;
            return this;
        }

        public Builder perTensor() {
            this.perChannel = false;
            this.axis = -1;
            return this;
        }

        public Builder narrowRange(boolean narrowRange) {
            this.narrowRange = narrowRange;
            return this;
        }

        /** Use one bit fewer: {@code [-64, 64]} for int8, {@code [0, 127]} for uint8. */
        public Builder reducedRange(boolean reducedRange) {
            this.reducedRange = reducedRange;
            return this;
        }

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
