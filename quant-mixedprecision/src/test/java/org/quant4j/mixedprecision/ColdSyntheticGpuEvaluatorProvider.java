package org.quant4j.mixedprecision;

/**
 * {@code synthetic-gpu-cold}: as {@link SyntheticGpuEvaluatorProvider}, but the first model each
 * evaluator times runs twice as slow as its cost (a cold start, or load that passes): the mixed
 * search's first timing is the INT8 baseline.
 */
public final class ColdSyntheticGpuEvaluatorProvider extends SyntheticGpuEvaluatorProvider {

    static final String COLD = "synthetic-gpu-cold";

    @Override
    public String name() {
        return COLD;
    }

    @Override
    double firstSlowdown() {
        return 2;
    }
}
