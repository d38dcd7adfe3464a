package org.quant4j.qat.simulate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;

/**
 * The fake quantizer of one group of activation tensors that share quantization parameters. Its
 * state lives in DJL {@link Parameter}s so that checkpoints (best-epoch restore) include it: the
 * observed range {@code [min, max]}, and for {@link RangeMode#LEARNED_SCALE} the trained scale.
 * While the observer is not frozen, each training batch updates the range before it is used.
 */
public final class ActivationQuantizer {

    private final List<String> tensors;
    private final QuantScheme scheme;
    private final RangeMode mode;
    private final double averagingConstant;
    private final Parameter range;
    private final Parameter scale;
    private int learnedZeroPoint;
    private float pinnedScale = Float.NaN;

    ActivationQuantizer(String id, List<String> tensors, TensorRange initial, QuantScheme scheme, RangeMode mode,
            double averagingConstant, NDManager manager) {
        this.tensors = List.copyOf(tensors);
        this.scheme = scheme;
        this.mode = mode;
        this.averagingConstant = averagingConstant;
        this.range = Parameter.builder().setName(id + ".range").setType(Parameter.Type.OTHER).optRequiresGrad(false)
                .optArray(manager.create(new float[] {(float) initial.min(), (float) initial.max()})).build();
        QuantParams p = QuantParams.forRange(initial, scheme);
        this.learnedZeroPoint = p.zeroPoint(0);
        this.scale = mode != RangeMode.LEARNED_SCALE ? null
                : Parameter.builder().setName(id + ".scale").setType(Parameter.Type.OTHER).optRequiresGrad(true)
                        .optArray(manager.create(new float[] {p.scale(0)}, new Shape(1))).build();
    }

    /** Starts again from {@code initial}: the observed range, and for a learned scale its scale and zero point. */
    void reset(TensorRange initial) {
        range.getArray().set(new float[] {(float) initial.min(), (float) initial.max()});
        if (scale != null) {
            QuantParams p = QuantParams.forRange(initial, scheme);
            learnedZeroPoint = p.zeroPoint(0);
            scale.getArray().set(new float[] {p.scale(0)});
        }
    }

    /**
     * Pins a learned scale at its current value: the optimizer's momentum and weight decay would
     * still move a parameter whose gradient is zero, so {@link #apply} restores the pinned value
     * while frozen. No effect on observed ranges, which simply stop being updated.
     */
    void freeze() {
        pinnedScale = scale == null ? Float.NaN : scale.getArray().getFloat(0);
    }

    /** Lets a learned scale train again. */
    void unfreeze() {
        pinnedScale = Float.NaN;
    }

    /** The tensors this quantizer covers. */
    public List<String> tensors() {
        return tensors;
    }

    public RangeMode mode() {
        return mode;
    }

    /** Parameters to register on the owning block. */
    List<Parameter> parameters() {
        return scale == null ? List.of(range) : List.of(range, scale);
    }

    /** The range the exported model gets: the observed one, or the one the learned scale spans. */
    public TensorRange range() {
        if (scale != null) {
            float s = scale.getArray().getFloat(0);
            if (!(s >= Float.MIN_NORMAL) || !Float.isFinite(s)) {
                throw new CalibrationException("The learned scale of " + tensors + " trained to " + s + "; it must stay"
                        + " positive: lower the learning rate, or use RangeMode.MOVING_AVERAGE");
            }
            if (scheme.symmetric()) {
                // QuantParams maps a symmetric range's amax to qmax - zeroPoint levels.
                double amax = (scheme.qmax() - learnedZeroPoint) * (double) s;
                return new TensorRange(-amax, amax);
            }
            return new TensorRange((scheme.qmin() - learnedZeroPoint) * (double) s,
                    (scheme.qmax() - learnedZeroPoint) * (double) s);
        }
        float[] r = range.getArray().toFloatArray();
        return new TensorRange(r[0], r[1]);
    }

    /** The quantization parameters of {@link #range()}, as the exporter computes them. */
    public QuantParams params() {
        return QuantParams.forRange(range(), scheme);
    }

    /**
     * Fake-quantizes {@code x}, first updating the range from it when training with a live observer.
     *
     * @param observe whether to update the range (training with observers not frozen, once per
     *                forward pass: for the first tensor of the group only)
     */
    NDArray apply(NDArray x, ParameterStore store, boolean training, boolean observe) {
        if (mode == RangeMode.LEARNED_SCALE) {
            if (!Float.isNaN(pinnedScale) && scale.getArray().getFloat(0) != pinnedScale) {
                scale.getArray().set(new float[] {pinnedScale});
            }
            NDArray s = QatGraph.local(store.getValue(scale, x.getDevice(), training), x.getManager());
            if (!observe) {
                s = s.stopGradient();
            }
            double gradientScale = 1.0 / Math.sqrt((double) x.size() / x.getShape().get(0) * scheme.qmax());
            return FakeQuant.learnedScale(x, s, learnedZeroPoint, scheme, gradientScale);
        }
        if (observe) {
            float lo = x.min().getFloat();
            float hi = x.max().getFloat();
            float[] r = range.getArray().toFloatArray();
            if (mode == RangeMode.MIN_MAX) {
                r[0] = Math.min(r[0], lo);
                r[1] = Math.max(r[1], hi);
            } else {
                r[0] += (float) (averagingConstant * (lo - r[0]));
                r[1] += (float) (averagingConstant * (hi - r[1]));
            }
            range.getArray().set(r);
        }
        return FakeQuant.activation(x, params());
    }
}
