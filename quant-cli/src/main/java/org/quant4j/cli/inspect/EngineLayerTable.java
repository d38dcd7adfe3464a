package org.quant4j.cli.inspect;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.TextTable;
import org.quant4j.tensorrt.inspect.EngineLayer;
import org.quant4j.tensorrt.inspect.EngineLayers;

/**
 * What {@code quant4j inspect} prints for a TensorRT engine, as text or as a JSON document: one row
 * per layer (name, type, the precision of its inputs and of its outputs, the tactic TensorRT chose),
 * then how many layers run in each precision. Rendering only: the layers come from
 * {@link org.quant4j.tensorrt.engine.EngineInspection}, which needs a GPU.
 */
final class EngineLayerTable {

    private final Path engine;
    private final long fileBytes;
    private final EngineLayers layers;

    EngineLayerTable(Path engine, long fileBytes, EngineLayers layers) {
        this.engine = engine.toAbsolutePath().normalize();
        this.fileBytes = fileBytes;
        this.layers = layers;
    }

    /** The text report. */
    void print(PrintWriter out) {
        TextTable.plain()
                .row("engine", engine + " (" + Formats.bytes(fileBytes) + ")")
                .row("layers", Formats.count(layers.layers().size()) + " (TensorRT's engine inspector)")
                .print(out);
        out.println();
        TextTable table = TextTable.withHeader("LAYER", "TYPE", "PRECISION", "INPUTS", "OUTPUTS", "TACTIC");
        for (EngineLayer l : layers.layers()) {
            table.row(l.name(), orDash(l.type()), l.precision().id(), precisions(l.inputFormats()),
                    precisions(l.outputFormats()), orDash(l.tactic()));
        }
        table.print(out);
        out.println();
        out.println("Layers per precision (the precision a layer reads its first input in):");
        TextTable counts = TextTable.plain();
        layers.counts().forEach((precision, n) -> counts.row(precision.id(), Formats.count(n)));
        counts.print(out);
        if (layers.layers().stream().allMatch(l -> l.inputFormats().isEmpty() && l.outputFormats().isEmpty())) {
            out.println("  The engine lists names only: build it with detailed profiling verbosity (quant4j quantize"
                    + " --backend tensorrt does) to see precisions and tactics.");
        }
    }

    /** The JSON document: engine, fileBytes, layers (with each input's and output's format and precision), precisions. */
    Map<String, Object> document() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("engine", engine.toString());
        doc.put("fileBytes", fileBytes);
        doc.put("layers", layers.layers().stream().map(EngineLayerTable::layer).collect(Collectors.toList()));
        Map<String, Integer> counts = new LinkedHashMap<>();
        layers.counts().forEach((precision, n) -> counts.put(precision.id(), n));
        doc.put("precisions", counts);
        return doc;
    }

    private static Map<String, Object> layer(EngineLayer l) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", l.name());
        m.put("type", l.type());
        m.put("precision", l.precision().id());
        m.put("inputs", tensors(l.inputFormats()));
        m.put("outputs", tensors(l.outputFormats()));
        m.put("tactic", l.tactic());
        return m;
    }

    private static List<Map<String, Object>> tensors(List<String> formats) {
        return formats.stream().map(f -> {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("format", f);
            t.put("precision", EngineLayers.precisionOf(f).id());
            return t;
        }).collect(Collectors.toList());
    }

    private static String precisions(List<String> formats) {
        return formats.isEmpty() ? "–" : formats.stream().map(f -> EngineLayers.precisionOf(f).id())
                .collect(Collectors.joining(", "));
    }

    private static String orDash(String text) {
        return text.isEmpty() ? "–" : text;
    }
}
