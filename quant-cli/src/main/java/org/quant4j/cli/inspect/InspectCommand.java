package org.quant4j.cli.inspect;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.Formats;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.cli.console.TextTable;
import org.quant4j.cli.options.ModelOption;
import org.quant4j.cli.options.NameConverter;
import org.quant4j.cli.options.RuntimeOptions;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OptimizedOps;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.saturation.LayerSaturation;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.quant4j.tensorrt.EngineFile;
import org.quant4j.tensorrt.engine.EngineInspection;
import org.quant4j.tensorrt.inspect.EngineLayers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code quant4j inspect}: what a model file holds (size, opset, inputs and outputs, nodes per
 * operator, parameters per element type), whether its int8 x uint8 layers are portable
 * ({@link SaturationAnalysis#ofWeights}: accurate on x86-64 CPUs whose AVX2 kernels add pairs of
 * products in int16), and what ONNX Runtime executes on this machine's CPU after its graph
 * optimisations ({@link OptimizedOps}), which shows whether a quantized model runs integer kernels
 * such as {@code QLinearConv}.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j inspect -m FILE [OPTIONS]",
        description = "Show what an ONNX model holds, whether its INT8 layers are accurate on every CPU, and what ONNX"
                + " Runtime executes for it on this CPU after optimisation; for a TensorRT engine (.engine, .plan,"
                + " .trt), the precision each layer runs in (needs TensorRT and a GPU).",
        footerHeading = "%nExamples:%n",
        footer = {
            "  Operators, parameters, portability, and the integer kernels ONNX Runtime runs:",
            "    quant4j inspect -m model-int8.onnx",
            "  Every node, those inside If/Loop/Scan branches and bodies too:",
            "    quant4j inspect -m model.onnx --details --no-runtime",
            "  The graph at ONNX Runtime's basic level, as JSON:",
            "    quant4j inspect -m model.onnx --level basic --json",
            "  Which layers of a TensorRT engine run in INT8, FP16 and FP32:",
            "    quant4j inspect -m model-int8.engine"
        })
public final class InspectCommand extends CliCommand {

    @Mixin
    private ModelOption model;

    @Option(names = "--level", paramLabel = "LEVEL", defaultValue = "all", converter = LevelConverter.class,
            completionCandidates = LevelConverter.class,
            description = "ONNX Runtime optimisation level to show the executed graph at: ${COMPLETION-CANDIDATES}"
                    + " (default: ${DEFAULT-VALUE}, what 'evaluate' runs).")
    private OptimizationLevel level;

    @Option(names = "--runtime", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Show what ONNX Runtime executes (--no-runtime: the file only, without loading ONNX"
                    + " Runtime).")
    private boolean runtime;

    @Option(names = "--details", description = "List every node with its operator, those inside If, Loop and Scan"
            + " subgraphs under the path of their subgraph.")
    private boolean details;

    @Mixin
    private RuntimeOptions threads;

    @Override
    protected int run() {
        Path path = model.path();
        if (EngineFile.hasEngineName(path)) {
            return inspectEngine(path);
        }
        EngineFile.requireNotEngine(path);
        OnnxModel onnx = model.read();
        ModelSummary summary = ModelSummary.of(onnx);
        Portability portability = Portability.of(onnx);
        long fileBytes = fileSize(path);
        Map<String, Long> executed = null;
        if (runtime) {
            RunnerOptions options = RunnerOptions.builder().optimization(level).intraOpThreads(threads.threads())
                    .build();
            executed = ModelSummary.byFrequency(OptimizedOps.list(path, options).counts());
        }
        if (json()) {
            printJson(document(path, onnx, summary, portability, fileBytes, executed));
            return Quant4jCli.OK;
        }
        PrintWriter out = out();
        TextTable head = TextTable.plain()
                .row("model", path.toAbsolutePath().normalize() + " (" + Formats.bytes(fileBytes) + ")")
                .row("graph", onnx.proto().getGraph().getName() + ": " + Formats.count(summary.nodeCount())
                        + " nodes" + (summary.subgraphNodes() == 0 ? "" : " (" + Formats.count(summary.subgraphNodes())
                        + " inside If/Loop/Scan subgraphs)") + ", opset " + opsets(onnx) + ", IR version " + onnx.proto().getIrVersion()
                        + producer(onnx));
        for (TensorInfo in : summary.inputs()) {
            head.row("input", in.name() + "  " + TensorProtos.typeName(in.elementType()) + " " + in.shapeText());
        }
        for (TensorInfo o : summary.outputs()) {
            head.row("output", o.name() + "  " + TensorProtos.typeName(o.elementType()) + " " + o.shapeText());
        }
        head.print(out);

        out.println();
        out.println("Operators in the file (" + Formats.count(summary.nodeCount()) + " nodes):");
        printCounts(out, summary.operators());
        if (details) {
            out.println();
            out.println("Nodes (subgraph nodes under the path of their subgraph: /owner node.attribute):");
            TextTable table = TextTable.withHeader("GRAPH", "NODE", "OP");
            summary.nodes().forEach(n -> table.row(n.graph().isEmpty() ? "main" : n.graph(), n.name(), n.opType()));
            table.print(out);
        }

        ModelSummary.Parameters total = summary.totalParameters();
        out.println();
        out.println("Parameters: " + Formats.count(total.elements()) + " in " + Formats.count(total.tensors())
                + " tensors, " + Formats.bytes(total.bytes()) + (summary.locations().isEmpty() ? "" : ", held in "
                + summary.locations().entrySet().stream().map(e -> e.getKey() + " (" + Formats.count(
                        e.getValue().tensors()) + " tensors, " + Formats.bytes(e.getValue().bytes()) + ")")
                        .collect(Collectors.joining(", "))));
        if (!summary.parameters().isEmpty()) {
            TextTable params = TextTable.withHeader("TYPE", "VALUES", "SIZE", "TENSORS");
            summary.parameters().forEach((type, p) -> params.row(type, Formats.count(p.elements()),
                    Formats.bytes(p.bytes()), Formats.count(p.tensors())));
            params.print(out);
        }
        out.println();
        printPortability(out, portability);
        if (executed != null) {
            out.println();
            out.println("ONNX Runtime executes after optimisation (level " + levelName(level) + ", "
                    + Formats.count(executed.values().stream().mapToLong(Long::longValue).sum()) + " nodes)"
                    // The kernels ONNX Runtime picks, and whether int8 products pair up in int16, depend on the CPU.
                    + " on this CPU, " + CpuFeatures.host().summary() + ":");
            printCounts(out, executed);
        }
        out.flush();
        return Quant4jCli.OK;
    }

    /**
     * A TensorRT engine: its layers from TensorRT's engine inspector. The file is checked before
     * TensorRT is required, so a wrong file gets its own error, and a machine without TensorRT the
     * probe's reason (exit code 4).
     */
    private int inspectEngine(Path path) {
        for (String option : List.of("--level", "--runtime", "--details", "--threads")) {
            if (given(option)) {
                throw usageError(option + " applies to ONNX models; " + path + " is a TensorRT engine, inspected"
                        + " through TensorRT's engine inspector");
            }
        }
        EngineLayers layers = EngineInspection.read(path);
        EngineLayerTable table = new EngineLayerTable(path, fileSize(path), layers);
        if (json()) {
            printJson(table.document());
        } else {
            PrintWriter out = out();
            table.print(out);
            out.flush();
        }
        return Quant4jCli.OK;
    }

    /**
     * Per int8 x uint8 layer: worst pair sum, channels at risk and whether it is portable; then one
     * line saying whether the model is. A model without integer layers gets one line saying so.
     */
    private static void printPortability(PrintWriter out, Portability portability) {
        if (portability.noIntegerLayers()) {
            out.println("Portability: " + portability.verdict());
            return;
        }
        out.println("Portability (x86-64 CPUs with AVX2 but without VNNI add pairs of uint8 x int8 products in int16,"
                + " which saturates above " + Formats.count(Short.MAX_VALUE) + "):");
        if (!portability.layers().layers().isEmpty()) {
            TextTable table = TextTable.withHeader("NODE", "OP", "WORST PAIR SUM", "CHANNELS AT RISK", "PORTABLE");
            for (LayerSaturation l : portability.layers().layers()) {
                table.row(l.node(), l.opType(), Formats.count(l.worstPairSum()),
                        l.channelsAtRisk() + " / " + l.channels(),
                        l.pairsInInt16() ? (l.portable() ? "yes" : "no") : "yes (depthwise kernel, adds in int32)");
            }
            table.print(out);
        }
        out.println("  " + portability.verdict());
    }

    private static void printCounts(PrintWriter out, Map<String, Long> counts) {
        TextTable table = TextTable.plain();
        counts.forEach((op, n) -> table.row(op, n));
        table.print(out);
    }

    private static String opsets(OnnxModel onnx) {
        List<String> parts = new ArrayList<>();
        parts.add(Long.toString(onnx.opset()));
        onnx.proto().getOpsetImportList().stream()
                .filter(o -> !o.getDomain().isEmpty() && !o.getDomain().equals("ai.onnx"))
                .forEach(o -> parts.add(o.getDomain() + " " + o.getVersion()));
        return parts.size() == 1 ? parts.get(0)
                : parts.get(0) + " (" + String.join(", ", parts.subList(1, parts.size())) + ")";
    }

    private static String producer(OnnxModel onnx) {
        String name = onnx.proto().getProducerName();
        String version = onnx.proto().getProducerVersion();
        return name.isEmpty() ? "" : ", made by " + name + (version.isEmpty() ? "" : " " + version);
    }

    private static long fileSize(Path path) {
        try {
            return Files.size(path);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the size of " + path + ": " + e, e);
        }
    }

    private Map<String, Object> document(Path path, OnnxModel onnx, ModelSummary summary,
            Portability portability, long fileBytes, Map<String, Long> executed) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("model", path.toAbsolutePath().normalize().toString());
        doc.put("fileBytes", fileBytes);
        doc.put("graph", onnx.proto().getGraph().getName());
        doc.put("opset", onnx.opset());
        Map<String, Long> imports = new LinkedHashMap<>();
        onnx.proto().getOpsetImportList().forEach(o -> imports.put(o.getDomain(), o.getVersion()));
        doc.put("opsetImports", imports);
        doc.put("irVersion", onnx.proto().getIrVersion());
        doc.put("producer", onnx.proto().getProducerName());
        doc.put("inputs", summary.inputs().stream().map(InspectCommand::tensor).collect(Collectors.toList()));
        doc.put("outputs", summary.outputs().stream().map(InspectCommand::tensor).collect(Collectors.toList()));
        doc.put("nodes", summary.nodeCount());
        doc.put("subgraphNodes", summary.subgraphNodes());
        doc.put("operators", summary.operators());
        if (details) {
            doc.put("nodeList", summary.nodes().stream().map(n -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("graph", n.graph());
                m.put("name", n.name());
                m.put("opType", n.opType());
                return m;
            }).collect(Collectors.toList()));
        }
        Map<String, Object> params = new LinkedHashMap<>();
        summary.parameters().forEach((type, p) -> params.put(type, parameters(p)));
        doc.put("parameters", params);
        doc.put("totalParameters", parameters(summary.totalParameters()));
        Map<String, Object> where = new LinkedHashMap<>();
        summary.locations().forEach((location, p) -> where.put(location, parameters(p)));
        doc.put("parameterLocations", where);
        doc.put("portability", portability(portability));
        if (executed != null) {
            Map<String, Object> rt = new LinkedHashMap<>();
            rt.put("level", levelName(level));
            rt.put("cpu", JsonOutput.cpu(CpuFeatures.host()));
            rt.put("nodes", executed.values().stream().mapToLong(Long::longValue).sum());
            rt.put("operators", executed);
            doc.put("runtime", rt);
        }
        return doc;
    }

    private static Map<String, Object> portability(Portability portability) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("portable", portability.portable());
        m.put("summary", portability.verdict());
        List<Map<String, Object>> layers = new ArrayList<>();
        for (LayerSaturation l : portability.layers().layers()) {
            Map<String, Object> layer = new LinkedHashMap<>();
            layer.put("node", l.node());
            layer.put("opType", l.opType());
            layer.put("pairsInInt16", l.pairsInInt16());
            layer.put("worstPairSum", l.worstPairSum());
            layer.put("channels", l.channels());
            layer.put("channelsAtRisk", l.channelsAtRisk());
            layer.put("portable", l.portable());
            layers.add(layer);
        }
        m.put("layers", layers);
        return m;
    }

    private static Map<String, Object> tensor(TensorInfo info) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", info.name());
        m.put("type", TensorProtos.typeName(info.elementType()));
        m.put("shape", info.shape().map(s -> Arrays.stream(s).boxed().collect(Collectors.toList())).orElse(null));
        return m;
    }

    private static Map<String, Object> parameters(ModelSummary.Parameters p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tensors", p.tensors());
        m.put("values", p.elements());
        m.put("bytes", p.bytes());
        return m;
    }

    private static String levelName(OptimizationLevel level) {
        return level.name().toLowerCase(Locale.ROOT);
    }

    /** An ONNX Runtime optimisation level by its lower-case name, e.g. {@code extended}. */
    public static final class LevelConverter extends NameConverter<OptimizationLevel> {
        public LevelConverter() {
            super("optimisation level", lowerCase(OptimizationLevel.values()));
        }
    }
}
