package org.quant4j.cli.convert;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.OutputOptions;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OpsetConversion;
import org.quant4j.onnx.opset.OpsetConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j convert}: raises a model's ONNX opset with {@link OpsetConverter}, rewriting the
 * nodes whose ops changed, and writes the result atomically beside the model (never over it).
 */
@Command(name = "convert", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j convert -m FILE --opset N [-o FILE] [OPTIONS]",
        description = "Convert an ONNX model to a newer opset, rewriting the nodes whose ops changed meaning or"
                + " signature, so that the converted model computes what the original did.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  An opset 9 model to opset 13, written to model-opset13.onnx:",
            "    quant4j convert -m model.onnx --opset 13"
        })
public final class ConvertCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Option(names = "--opset", required = true, paramLabel = "N",
            description = "The ONNX opset to convert to (at least the model's own, at most "
                    + OpsetConverter.MAX_TARGET + ").")
    private int opset;

    @Mixin
    private OutputOptions output;

    @Override
    protected int run() {
        Path in = model.path();
        Path out = output.output(ModelOption.sibling(in, "-opset" + opset + ".onnx"));
        OutputTarget target = output.checkWritable(out, "the converted model", List.of(model.input()), model.size());
        OnnxModel onnx = model.read();
        Graph graph = onnx.graph();
        OpsetConversion conversion = OpsetConverter.convert(graph, opset);
        graph.toModel().write(target);
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("model", in.toString());
            doc.put("output", out.toString());
            doc.put("fromOpset", conversion.from());
            doc.put("toOpset", conversion.to());
            List<Map<String, Object>> rewrites = conversion.rewrites().stream().map(r -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("node", r.node());
                m.put("op", r.opType());
                m.put("version", r.version());
                m.put("change", r.change());
                return m;
            }).toList();
            doc.put("rewrites", rewrites);
            printJson(doc);
            return 0;
        }
        out().println("Model " + in + ": " + conversion.summary());
        conversion.rewrites().forEach(r -> out().println("  " + r));
        out().println("Wrote " + out);
        out().flush();
        return 0;
    }
}
