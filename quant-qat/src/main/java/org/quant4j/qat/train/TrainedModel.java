package org.quant4j.qat.train;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.quant4j.qat.model.Architecture;

/**
 * A trained classifier: the DJL model holding the block and its parameters (restored to the best
 * validation epoch), and the record of its training. Owns the DJL model's native memory: close it.
 * Closing twice is harmless; use after close throws {@link IllegalStateException}.
 */
public final class TrainedModel implements AutoCloseable {

    private final Model model;
    private final Architecture architecture;
    private final TrainingOptions options;
    private final List<EpochRecord> history;
    private final int bestEpoch;
    private final double seconds;
    private final AtomicBoolean closed = new AtomicBoolean();

    TrainedModel(Model model, Architecture architecture, TrainingOptions options, List<EpochRecord> history,
            int bestEpoch, double seconds) {
        this.model = model;
        this.architecture = architecture;
        this.options = options;
        this.history = List.copyOf(history);
        this.bestEpoch = bestEpoch;
        this.seconds = seconds;
    }

    /** The trained block, in inference use: pass {@code training = false} to its forward. */
    public Block block() {
        requireOpen();
        return model.getBlock();
    }

    public Architecture architecture() {
        return architecture;
    }

    public TrainingOptions options() {
        return options;
    }

    /** One record per epoch run, in order. */
    public List<EpochRecord> history() {
        return history;
    }

    /** The 1-based epoch whose parameters the model holds (the best validation accuracy). */
    public int bestEpoch() {
        return bestEpoch;
    }

    /** Validation accuracy of {@link #bestEpoch()}. */
    public double bestValidationAccuracy() {
        return history.get(bestEpoch - 1).validationAccuracy();
    }

    /** Wall-clock seconds of the whole training, validation included. */
    public double seconds() {
        return seconds;
    }

    /** Top-1 accuracy on {@code data}, in inference mode, in batches of the options' evaluation size. */
    public double accuracy(InMemoryImages data) {
        requireOpen();
        return accuracy(model.getBlock(), model.getNDManager(), data, options.evaluationBatchSize());
    }

    /**
     * The logits of {@code count} NCHW images given in row-major order, in inference mode.
     *
     * @return {@code count * numClasses} values, row-major
     */
    public float[] logits(float[] images, int count) {
        requireOpen();
        Shape shape = architecture.inputShape(count);
        if (images.length != shape.size()) {
            throw new IllegalArgumentException(count + " images of " + architecture.inputShape(1) + " are "
                    + shape.size() + " values, got " + images.length);
        }
        try (NDManager scope = model.getNDManager().newSubManager()) {
            NDArray x = scope.create(images, shape);
            return forward(model.getBlock(), scope, x).toFloatArray();
        }
    }

    static NDArray forward(Block block, NDManager scope, NDArray x) {
        return block.forward(new ParameterStore(scope, false), new NDList(x), false).singletonOrThrow();
    }

    /** Top-1 accuracy of {@code block} in inference mode on {@code data}, in batches of {@code batchSize}. */
    public static double accuracy(Block block, NDManager manager, InMemoryImages data, int batchSize) {
        int[] all = data.allIndices();
        long correct = 0;
        for (int from = 0; from < all.length; from += batchSize) {
            int to = Math.min(all.length, from + batchSize);
            try (NDManager scope = manager.newSubManager()) {
                NDArray logits = forward(block, scope, data.images(scope, all, from, to));
                correct += countCorrect(logits, data.labels(scope, all, from, to));
            }
        }
        return (double) correct / all.length;
    }

    static long countCorrect(NDArray logits, NDArray labels) {
        return logits.argMax(1).toType(DataType.INT32, false).eq(labels).countNonzero().getLong();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            model.close();
        }
    }

    private void requireOpen() {
        if (closed.get()) {
            throw new IllegalStateException("TrainedModel of " + architecture.family() + " is closed");
        }
    }

    @Override
    public String toString() {
        return "TrainedModel[" + architecture.family() + ", best epoch " + bestEpoch + " of " + history.size()
                + (closed.get() ? ", closed" : "") + "]";
    }
}
