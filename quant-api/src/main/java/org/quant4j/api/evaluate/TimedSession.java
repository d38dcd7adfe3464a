package org.quant4j.api.evaluate;

/**
 * A model opened for repeated timed inference, so that several models can be timed in
 * interleaved rounds: opening is not timed, each call of {@link #time} is. Holds native resources:
 * close it; closing twice is harmless, use after close throws {@link IllegalStateException}.
 */
public interface TimedSession extends AutoCloseable {

    /**
     * Shape of one input sample, e.g. {@code [1, 28, 28]}.
     *
     * @return the shape, without the batch dimension
     */
    int[] sampleShape();

    /**
     * Runs {@code warmup} untimed then {@code iterations} timed inferences on one batch of
     * {@code batchSize} synthetic samples (seeded noise of the input's shape: the speed of the
     * kernels does not depend on the values).
     *
     * @param batchSize samples per inference, &gt; 0
     * @param warmup untimed inferences run first, &gt;= 0
     * @param iterations timed inferences, &gt; 0
     * @return the wall time of each timed inference in milliseconds, in run order
     */
    double[] time(int batchSize, int warmup, int iterations);

    @Override
    void close();
}
