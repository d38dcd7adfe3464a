package org.quant4j.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.util.Pair;

/**
 * Checks of a training step before the optimizer applies it: are the gradients of every trained
 * parameter finite, are the running statistics (parameters without gradient) finite, and a way to
 * throw away the gradients of a step that must not be applied. libtorch 2.7.1 on CPU now and then
 * returns non-finite gradients for a batch whose recomputation is finite; training and the Fisher
 * estimate discard such a pass and compute it again.
 */
public final class FiniteGradients {

    private FiniteGradients() {
    }

    /**
     * Whether the gradient of every parameter that has one is finite. The per-parameter sums are
     * added on the engine and read once: a sum is NaN or infinite when an element is.
     *
     * @param scope manager that owns the temporary arrays, closed by the caller
     */
    public static boolean allFinite(Block block, NDManager scope) {
        NDArray total = null;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (!array.hasGradient()) {
                continue;
            }
            NDArray gradient = array.getGradient();
            gradient.attach(scope);
            NDArray sum = gradient.sum();
            total = total == null ? sum : total.add(sum);
        }
        return total == null || Float.isFinite(total.getFloat());
    }

    /** Whether every parameter that has no gradient (batch-norm running statistics) is finite. */
    public static boolean statisticsFinite(Block block, NDManager scope) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.hasGradient()) {
                continue;
            }
            NDArray sum = array.sum();
            sum.attach(scope);
            if (!Float.isFinite(sum.getFloat())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Sets every gradient to zero. Subtracting a gradient from itself, as DJL's own
     * {@code zeroGradients} does, leaves NaN where a NaN was; libtorch's {@code zero_} does not.
     */
    public static void discard(Block block) {
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray array = p.getValue().getArray();
            if (array.hasGradient()) {
                JniUtils.zeroGrad((PtNDArray) array);
            }
        }
    }
}
