package org.quant4j.tensorrt;

import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.QuantizerProviderContract;

class TensorRtQuantizerProviderContractTest extends QuantizerProviderContract {
    @Override
    protected QuantizerProvider provider() {
        return new TensorRtQuantizerProvider();
    }
}
