package org.quant4j.onnxruntime.runtime;

import org.quant4j.api.evaluate.EvaluatorProvider;
import org.quant4j.api.evaluate.EvaluatorProviderContract;

/** quant-api's evaluator contract, run against the {@code "onnxruntime"} evaluator. */
class OrtEvaluatorProviderContractTest extends EvaluatorProviderContract {

    @Override
    protected EvaluatorProvider provider() {
        return new OrtEvaluatorProvider();
    }
}
