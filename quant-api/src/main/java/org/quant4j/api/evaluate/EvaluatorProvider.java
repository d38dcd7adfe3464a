package org.quant4j.api.evaluate;

import org.quant4j.api.provider.NamedProvider;

/** Makes {@link Evaluator}s for one backend; listed in {@code META-INF/services}. */
public interface EvaluatorProvider extends NamedProvider {

    /**
     * A new evaluator; natives are loaded here at the latest.
     *
     * @return a fresh evaluator; the caller closes it
     */
    Evaluator create();
}
