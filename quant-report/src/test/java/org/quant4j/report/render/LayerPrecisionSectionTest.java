package org.quant4j.report.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quant4j.report.Fixtures.changePoints;
import static org.quant4j.report.Fixtures.stats;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.quantize.ExecutedLayer;
import org.quant4j.report.chart.ChartSet;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.Targets;
import org.quant4j.report.stats.StatisticsOptions;
import org.quant4j.tensorrt.inspect.EngineInspectorJson;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * The per-layer precision section of a comparison with a TensorRT row, its layers parsed from the
 * engine inspector JSON written by hand in TensorRT's documented format (quant-tensorrt's
 * {@link EngineInspectorJson}; no engine is built here, there is no GPU).
 */
class LayerPrecisionSectionTest {

    private static final List<ExecutedLayer> LAYERS = EngineLayers.parse(EngineInspectorJson.detailed())
            .executedLayers();

    private static ComparisonReport report(boolean withEngine) {
        MethodResult.Builder trt = MethodResult.builder("tensorrt int8 entropy").mode(QuantizationMode.STATIC)
                .accuracy(stats(100, 89, changePoints(-1, -3, 1), 2, 1));
        if (withEngine) {
            LAYERS.forEach(trt::executedLayer);
        }
        return ComparisonReport.builder().model("cnn.onnx").dataset("d")
                .statistics(StatisticsOptions.withSeed(1)).targets(Targets.none())
                .reference(MethodResult.builder("FP32").accuracy(stats(100, 90, null, 0, 0)).build())
                .method(MethodResult.builder("static int8 minmax").mode(QuantizationMode.STATIC)
                        .accuracy(stats(100, 88, changePoints(-2, -4, 0), 3, 1)).build())
                .method(trt.build())
                .build();
    }

    @Test
    void markdownListsEveryLayerOfTheEngineRowWithItsPrecisionAndTheCounts() {
        String md = MarkdownReport.render(report(true));

        int at = md.indexOf("## Per-layer precision of the engines");
        assertTrue(at > 0, md);
        String section = md.substring(at, md.indexOf("\n## ", at + 1) < 0 ? md.length() : md.indexOf("\n## ", at + 1));
        assertTrue(section.contains("\n### tensorrt int8 entropy\n"), section);
        assertFalse(section.contains("static int8 minmax"), "a row without engine layers has no table: " + section);
        // 6 layers in the fixture: the reformat from FP32 and the softmax (fp32), two convolutions and the
        // reformat from INT8 (int8), the GEMM (fp16); counted in order of first appearance.
        assertTrue(section.contains("\n6 layers: 2 fp32, 3 int8, 1 fp16.\n"), section);
        assertTrue(section.contains("\n| /conv2/Conv | CaskConvolution | int8 | 0x7e29bdfcc0d5bde1 |\n"), section);
        assertTrue(section.contains("\n| /fc/Gemm | CaskGemmMatrixMultiply | fp16 | sm80_xmma_gemm_f16f16_f16f32_f32"
                + "_nn_n_tilesize64x64x32_stage5_warpsize2x2x1_tensor16x8x16 |\n"), section);
        assertEquals(6, section.lines().filter(l -> l.startsWith("| ") && !l.startsWith("| Layer ")).count(), section);
    }

    @Test
    void htmlHasTheSameTable() {
        String html = HtmlReport.render(report(true), new ChartSet(List.of(), List.of()));

        assertTrue(html.contains("<h2>Per-layer precision of the engines</h2>"), html);
        assertTrue(html.contains("<h3>tensorrt int8 entropy</h3>"), html);
        assertTrue(html.contains("<p>6 layers: 2 fp32, 3 int8, 1 fp16.</p>"), html);
        assertTrue(html.contains("<tr><td>/softmax/Softmax</td><td>CaskSoftMax</td><td>fp32</td>"
                + "<td>0x0000000000000001</td></tr>"), html);
    }

    @Test
    void withoutEngineLayersThereIsNoSection() {
        assertFalse(MarkdownReport.render(report(false)).contains("Per-layer precision"));
        assertFalse(HtmlReport.render(report(false), new ChartSet(List.of(), List.of())).contains("Per-layer precision"));
    }

    @Test
    void resultsJsonKeepsTheLayers() {
        ComparisonReport read = ResultsJson.read(ResultsJson.write(report(true)), "test");
        MethodResult trt = read.methods().stream().filter(m -> m.name().equals("tensorrt int8 entropy")).findFirst()
                .orElseThrow();
        assertEquals(LAYERS, trt.executedLayers());
        assertEquals(List.of(), read.reference().executedLayers());
    }
}
