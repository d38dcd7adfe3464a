package org.quant4j.qat.simulate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import org.quant4j.api.QuantParams;
import java.util.Optional;
import org.quant4j.api.QuantScheme;
import org.quant4j.onnx.quantize.Int16Pairing;

/**
 * Fake quantization: the value a tensor has after QuantizeLinear then DequantizeLinear, with
 * gradients passed straight through ({@code y = x + stopGradient(fq(x) - x)}, Bengio et al. 2013),
 * so training sees the rounding error in the forward pass and the float gradient in the backward
 * pass. Rounding is half to even and saturation happens after adding the zero point, as ONNX
 * QuantizeLinear does.
 */
public final class FakeQuant {

    private FakeQuant() {
    }

    /** {@code x} forward, {@code quantized} value: the straight-through estimator. */
    public static NDArray straightThrough(NDArray x, NDArray quantized) {
        return x.add(quantized.sub(x).stopGradient());
    }

    /** {@code (clip(round(x / s) + z, qmin, qmax) - z) * s} of a per-tensor {@code params}, without gradient. */
    public static NDArray quantizeDequantize(NDArray x, QuantParams params) {
        QuantScheme scheme = params.scheme();
        float scale = params.scale(0);
        int zero = params.zeroPoint(0);
        return x.div(scale).round().add(zero).clip(scheme.qmin(), scheme.qmax()).sub(zero).mul(scale);
    }

    /** Per-tensor fake quantization of an activation with straight-through gradients. */
    public static NDArray activation(NDArray x, QuantParams params) {
        return straightThrough(x, quantizeDequantize(x.stopGradient(), params));
    }

    /**
     * Symmetric fake quantization of a weight, one scale per slice along {@code axis} (or one for
     * the whole tensor when {@code axis < 0}): {@code scale = max|w| / qmax} (1 where the slice is
     * all zero, as {@link QuantParams} does), zero point 0. The scale is computed from the current
     * weight but carries no gradient; the weight gets straight-through gradients.
     */
    public static NDArray weight(NDArray w, int axis, QuantScheme scheme) {
        return weight(w, axis, scheme, Optional.empty());
    }

    /**
     * As {@link #weight(NDArray, int, QuantScheme)}, with each channel's {@code max|w|} raised to its
     * largest int16 pair sum in {@code pairLimit}'s order when present, exactly as the portable
     * kernel target exports the weight ({@link Int16Pairing#limitPairSums}).
     */
    public static NDArray weight(NDArray w, int axis, QuantScheme scheme, Optional<Int16Pairing> pairLimit) {
        NDArray frozen = w.stopGradient();
        NDArray scale = weightScale(frozen, axis, scheme, pairLimit);
        NDArray q = frozen.div(scale).round().clip(scheme.qmin(), scheme.qmax()).mul(scale);
        return straightThrough(w, q);
    }

    /**
     * The scale {@link #weight(NDArray, int, QuantScheme, Optional)} quantizes {@code w} with, without
     * gradient: one per slice along {@code axis}, shaped to broadcast against {@code w} (a scalar when
     * {@code axis < 0}).
     */
    public static NDArray weightScale(NDArray w, int axis, QuantScheme scheme, Optional<Int16Pairing> pairLimit) {
        if (!scheme.symmetric() || !scheme.precision().isSigned()) {
            throw new IllegalArgumentException("Weights are fake-quantized signed and symmetric, got " + scheme);
        }
        NDArray frozen = w.stopGradient();
        NDArray amax;
        if (axis < 0) {
            amax = frozen.abs().max();
        } else {
            // The engine reduces over one axis at a time: bring the channels first, flatten the rest.
            long channels = w.getShape().get(axis);
            long[] broadcast = new long[w.getShape().dimension()];
            java.util.Arrays.fill(broadcast, 1);
            broadcast[axis] = channels;
            NDArray moved = axis == 0 ? frozen : frozen.swapAxes(0, axis);
            amax = moved.abs().reshape(channels, -1).max(new int[] {1}).reshape(new Shape(broadcast));
        }
        if (pairLimit.isPresent()) {
            NDArray pairs = largestPairSums(frozen, pairLimit.get());
            amax = amax.maximum(axis < 0 ? pairs.max() : pairs.reshape(amax.getShape()));
        }
        NDArray scale = amax.div(scheme.qmax());
        return scale.eq(0).toType(scale.getDataType(), false).mul(QuantParams.ZERO_RANGE_SCALE).add(scale);
    }

    /**
     * Per output channel, the largest sum over a pair {@code (2j, 2j + 1)} of the reduction axis of
     * its positive weights or of the magnitudes of its negative ones: {@link
     * Int16Pairing#largestPairSums} on the engine.
     */
    static NDArray largestPairSums(NDArray w, Int16Pairing pairing) {
        long[] dims = w.getShape().getShape();
        NDArray rows;
        switch (pairing) {
            case CONV -> {
                // [M, C/g, k1, k2...] -> [M, k1, k2..., C/g]: kernel positions, channels innermost.
                int[] axes = new int[dims.length];
                axes[0] = 0;
                for (int i = 1; i < dims.length - 1; i++) {
                    axes[i] = i + 1;
                }
                axes[dims.length - 1] = 1;
                rows = w.transpose(axes).reshape(dims[0], -1);
            }
            case ROWS -> rows = w.reshape(dims[0], -1);
            case COLUMNS -> rows = w.transpose(1, 0);
            default -> throw new IllegalArgumentException("No pairing order for " + pairing);
        }
        long channels = rows.getShape().get(0);
        if (rows.getShape().get(1) % 2 != 0) {
            rows = rows.concat(w.getManager().zeros(new Shape(channels, 1), rows.getDataType()), 1);
        }
        NDArray pairs = rows.reshape(channels, -1, 2);
        NDArray positive = pairs.maximum(0f).sum(new int[] {2});
        NDArray negative = pairs.neg().maximum(0f).sum(new int[] {2});
        return positive.maximum(negative).max(new int[] {1});
    }

    /**
     * Fake quantization with a learned scale (LSQ, Esser et al. 2020): the scale gets the gradient
     * of the rounding error, scaled by {@code gradientScale} ({@code 1 / sqrt(elements * qmax)} in
     * the paper); only the rounding itself is passed straight through, so values outside the
     * integer range get no gradient while the scale does.
     *
     * @param scale a one-element array that may require gradients
     */
    public static NDArray learnedScale(NDArray x, NDArray scale, int zeroPoint, QuantScheme scheme,
            double gradientScale) {
        NDArray s = scale.mul(gradientScale).add(scale.sub(scale.mul(gradientScale)).stopGradient());
        NDArray v = x.div(s).add(zeroPoint).clip(scheme.qmin(), scheme.qmax());
        NDArray rounded = v.add(v.round().sub(v).stopGradient());
        return rounded.sub(zeroPoint).mul(s);
    }
}
