package org.quant4j.onnxruntime.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.DataNeed;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.QuantizerProviderContract;

/** quant-api's quantizer contract, run against the {@code "onnxruntime"} quantizer. */
class OnnxRuntimeQuantizerProviderContractTest extends QuantizerProviderContract {

    @Override
    protected QuantizerProvider provider() {
        return new OnnxRuntimeQuantizerProvider();
    }

    @Test
    void staticModeCalibratesOnSamplesFp16UsesThemWhenGivenAndDynamicNeedsNone() {
        assertEquals(DataNeed.CALIBRATION_SAMPLES, provider().dataNeed(QuantizationMode.STATIC));
        assertEquals(DataNeed.NONE, provider().dataNeed(QuantizationMode.DYNAMIC));
        assertEquals(DataNeed.OPTIONAL_CALIBRATION_SAMPLES, provider().dataNeed(QuantizationMode.FP16));
        assertFalse(provider().dataNeed(QuantizationMode.FP16).needsData());
    }
}
