package org.quant4j.qat.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.QuantizerProviderContract;

/** quant-api's quantizer contract, run against the {@code "qat"} quantizer. */
class QatQuantizerProviderContractTest extends QuantizerProviderContract {

    @Override
    protected QuantizerProvider provider() {
        return new QatQuantizerProvider();
    }

    @Test
    void staticModeTrainsOnLabelledDataAndTheModesQatDoesNotMakeDeclareNone() {
        assertEquals(DataNeed.LABELLED_TRAINING_DATA, provider().dataNeed(QuantizationMode.STATIC));
        assertEquals(DataNeed.NONE, provider().dataNeed(QuantizationMode.DYNAMIC));
        assertEquals(DataNeed.NONE, provider().dataNeed(QuantizationMode.FP16));
    }
}
