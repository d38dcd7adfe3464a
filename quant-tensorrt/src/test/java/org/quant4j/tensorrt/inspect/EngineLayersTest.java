package org.quant4j.tensorrt.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.tensorrt.LayerPrecision;

/**
 * The inspector JSON here is written by hand in the shape TensorRT documents for
 * {@code IEngineInspector::getEngineInformation(kJSON)} with detailed verbosity (a "Layers" array
 * of objects with Name, LayerType, Inputs and Outputs carrying "Format/Datatype"); no engine was
 * built on this machine, which has no GPU.
 */
class EngineLayersTest {

    private static final String DETAILED = """
            {"Layers": [
              {"Name": "input_quantize", "LayerType": "Reformat",
               "Inputs": [{"Name": "input", "Location": "Device", "Dimensions": [8,1,28,28],
                           "Format/Datatype": "Row major linear FP32"}],
               "Outputs": [{"Name": "q", "Location": "Device", "Dimensions": [8,1,28,28],
                            "Format/Datatype": "Thirty-two wide channel vectorized row major Int8 format"}]},
              {"Name": "/conv1/Conv + /relu1/Relu", "LayerType": "CaskConvolution",
               "Inputs": [{"Name": "q", "Format/Datatype": "Thirty-two wide channel vectorized row major Int8 format"}],
               "Outputs": [{"Name": "c", "Format/Datatype": "Thirty-two wide channel vectorized row major Int8 format"}]},
              {"Name": "/fc/Gemm", "LayerType": "CaskGemmMatrixMultiply",
               "Inputs": [{"Name": "c", "Format/Datatype": "Channel major FP16 format where channel % 8 == 0"}],
               "Outputs": [{"Name": "h", "Format/Datatype": "Row major linear FP16 format"}]},
              {"Name": "/softmax/Softmax", "LayerType": "CaskSoftMax",
               "Inputs": [{"Name": "h", "Format/Datatype": "Row major linear FP32"}],
               "Outputs": [{"Name": "logits", "Format/Datatype": "Row major linear FP32"}]}
            ],
            "Bindings": ["input", "logits"]}
            """;

    @Test
    void eachLayerTakesThePrecisionOfItsInputs() {
        EngineLayers layers = EngineLayers.parse(DETAILED);
        assertEquals(List.of("input_quantize", "/conv1/Conv + /relu1/Relu", "/fc/Gemm", "/softmax/Softmax"),
                layers.layers().stream().map(EngineLayer::name).toList());
        assertEquals(List.of(LayerPrecision.FP32, LayerPrecision.INT8, LayerPrecision.FP16, LayerPrecision.FP32),
                layers.layers().stream().map(EngineLayer::precision).toList());
        assertEquals("CaskConvolution", layers.layers().get(1).type());
        assertEquals(Map.of(LayerPrecision.FP32, 2, LayerPrecision.INT8, 1, LayerPrecision.FP16, 1), layers.counts());
    }

    @Test
    void theDocumentedDetailedFormatGivesNamesTypesPrecisionsAndTactics() {
        EngineLayers layers = EngineLayers.parse(EngineInspectorJson.detailed());

        assertEquals(List.of("Reformatting CopyNode for Input Tensor 0 to /conv1/Conv + /relu1/Relu",
                "/conv1/Conv + /relu1/Relu", "/conv2/Conv", "Reformatting CopyNode for Input Tensor 0 to /fc/Gemm",
                "/fc/Gemm", "/softmax/Softmax"), layers.layers().stream().map(EngineLayer::name).toList());
        assertEquals(List.of("Reformat", "CaskConvolution", "CaskConvolution", "Reformat", "CaskGemmMatrixMultiply",
                "CaskSoftMax"), layers.layers().stream().map(EngineLayer::type).toList());
        assertEquals(List.of(LayerPrecision.FP32, LayerPrecision.INT8, LayerPrecision.INT8, LayerPrecision.INT8,
                LayerPrecision.FP16, LayerPrecision.FP32),
                layers.layers().stream().map(EngineLayer::precision).toList());
        // TacticName when given, else TacticValue.
        assertEquals("sm80_xmma_fprop_implicit_gemm_interleaved_i8i8_i8i32_f32_nchw_vect_c_32kcrs_vect_c_32_nchw_vect_c_32"
                + "_tilesize64x32x64_stage4_warpsize2x1x1_g1_tensor16x8x32_t1r3s3", layers.layers().get(1).tactic());
        assertEquals("0x7e29bdfcc0d5bde1", layers.layers().get(2).tactic());
        assertEquals(List.of("Thirty-two wide channel vectorized row major Int8 format"),
                layers.layers().get(3).inputFormats());
        assertEquals(List.of("Channel major FP16 format where channel % 8 == 0"),
                layers.layers().get(3).outputFormats());
        assertEquals(Map.of(LayerPrecision.FP32, 2, LayerPrecision.INT8, 3, LayerPrecision.FP16, 1), layers.counts());
    }

    @Test
    void executedLayersCarryTheSameRowsWithLowerCasePrecisions() {
        EngineLayers layers = EngineLayers.parse(EngineInspectorJson.detailed());
        List<ExecutedLayer> executed = layers.executedLayers();

        assertEquals(layers.layers().size(), executed.size());
        assertEquals(new ExecutedLayer("/fc/Gemm", "CaskGemmMatrixMultiply", "fp16",
                "sm80_xmma_gemm_f16f16_f16f32_f32_nn_n_tilesize64x64x32_stage5_warpsize2x2x1_tensor16x8x16"),
                executed.get(4));
        assertEquals(List.of("fp32", "int8", "int8", "int8", "fp16", "fp32"),
                executed.stream().map(ExecutedLayer::precision).toList());
    }

    @Test
    void namesOnlyVerbosityGivesLayersOfUnknownPrecision() {
        EngineLayers layers = EngineLayers.parse("{\"Layers\": [\"a\", \"b + c\"], \"Bindings\": []}");
        assertEquals(List.of(LayerPrecision.OTHER, LayerPrecision.OTHER),
                layers.layers().stream().map(EngineLayer::precision).toList());
        assertEquals(List.of("", ""), layers.layers().stream().map(EngineLayer::tactic).toList());
    }

    @Test
    void formatTextsNameTheirPrecision() {
        assertEquals(LayerPrecision.INT8, EngineLayers.precisionOf("Four wide channel vectorized row major Int8 format"));
        assertEquals(LayerPrecision.FP16, EngineLayers.precisionOf("Two wide channel vectorized row major FP16 format"));
        assertEquals(LayerPrecision.BF16, EngineLayers.precisionOf("Row major linear BF16 format"));
        assertEquals(LayerPrecision.INT32, EngineLayers.precisionOf("Row major linear Int32"));
        assertEquals(LayerPrecision.FP32, EngineLayers.precisionOf("Row major linear FP32"));
        assertEquals(LayerPrecision.OTHER, EngineLayers.precisionOf("Row major linear Bool"));
    }

    @Test
    void textThatIsNotTheInspectorsJsonIsAModelError() {
        assertThrows(ModelException.class, () -> EngineLayers.parse("not json"));
        assertThrows(ModelException.class, () -> EngineLayers.parse("{\"Bindings\": []}"));
    }
}
