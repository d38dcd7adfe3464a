package org.quant4j.tensorrt;

import org.quant4j.api.evaluate.EvaluatorProvider;
import org.quant4j.api.evaluate.EvaluatorProviderContract;

class TensorRtEvaluatorProviderContractTest extends EvaluatorProviderContract {
    @Override
    protected EvaluatorProvider provider() {
        return new TensorRtEvaluatorProvider();
    }
}
