package org.quant4j.cli.inspect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.AttributeProto.AttributeType;
import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.cli.CliRun;
import org.quant4j.cli.Samples;
import org.quant4j.cli.TestFiles;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.builder.HeInitializer;
import org.quant4j.onnx.builder.ReferenceGraphs;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.graph.TensorProtos;

class InspectCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void listsTheOperatorsAndParametersOfTheFile() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("inspect", "-m", model, "--no-runtime", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = JSON.readTree(run.out());
        JsonNode ops = doc.get("operators");
        assertEquals(2, ops.get("Conv").asInt());
        assertEquals(2, ops.get("BatchNormalization").asInt());
        assertEquals(2, ops.get("Relu").asInt());
        assertEquals(1, ops.get("Add").asInt());
        assertEquals(1, ops.get("GlobalAveragePool").asInt());
        assertEquals(1, ops.get("Flatten").asInt());
        assertEquals(1, ops.get("Gemm").asInt());
        assertEquals(10, doc.get("nodes").asInt());
        // Conv 8x1x3x3 + bias 8, BN 4x8, Conv 8x8x3x3, BN 4x8, Gemm 10x8 + bias 10: 810 floats in 13 tensors.
        JsonNode floats = doc.get("parameters").get("FLOAT");
        assertEquals(810, floats.get("values").asLong());
        assertEquals(810 * 4, floats.get("bytes").asLong());
        assertEquals(13, floats.get("tensors").asInt());
        assertEquals(Files.size(model), doc.get("fileBytes").asLong());
        assertEquals(13, doc.get("opset").asInt());
        JsonNode input = doc.get("inputs").get(0);
        assertEquals("input", input.get("name").asText());
        assertEquals("[-1,1,28,28]", input.get("shape").toString());
        assertFalse(doc.has("runtime"));
        JsonNode portability = doc.get("portability");
        assertTrue(portability.get("portable").asBoolean(), run::toString);
        assertEquals(0, portability.get("layers").size(), run::toString);
    }

    @Test
    void countsParametersHeldInConstantNodesAndSaysWhere() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.withWeightsInConstantNodes(ReferenceGraphs.smallCnn(1)),
                dir.resolve("constants.onnx"));

        CliRun json = CliRun.of("inspect", "-m", model, "--no-runtime", "--json");
        CliRun text = CliRun.of("inspect", "-m", model, "--no-runtime");

        assertEquals(0, json.exitCode(), json::toString);
        JsonNode doc = JSON.readTree(json.out());
        // The 810 floats of smallCnn in 13 tensors, all in Constant nodes, none in initializers.
        assertEquals(810, doc.get("totalParameters").get("values").asLong());
        JsonNode where = doc.get("parameterLocations");
        assertEquals(13, where.get("Constant nodes").get("tensors").asInt());
        assertEquals(810 * 4, where.get("Constant nodes").get("bytes").asLong());
        assertFalse(where.has("initializers"), where::toString);
        assertTrue(text.out().contains("Parameters: 810 in 13 tensors, 3.16 KiB, held in Constant nodes (13 tensors,"
                + " 3.16 KiB)"), text::toString);
    }

    @Test
    void countsParametersInsideIfBranches() throws Exception {
        // then: y = x * c (c [3] in a Constant node); else: y = x + b (b [2, 3] an initializer of the branch).
        TensorProto c = TensorProtos.floats("c", FloatTensor.vector(1, 2, 3));
        TensorProto bias = TensorProtos.floats("b", FloatTensor.filled(0.5f, 2, 3));
        GraphProto thenBranch = GraphProto.newBuilder().setName("then")
                .addNode(NodeProto.newBuilder().setName("c_node").setOpType("Constant").addOutput("c")
                        .addAttribute(Attributes.tensor("value", c)))
                .addNode(NodeProto.newBuilder().setName("mul").setOpType("Mul").addInput("x").addInput("c")
                        .addOutput("t"))
                .addOutput(TensorInfo.floatTensorOfUnknownShape("t").proto()).build();
        GraphProto elseBranch = GraphProto.newBuilder().setName("else").addInitializer(bias)
                .addNode(NodeProto.newBuilder().setName("add").setOpType("Add").addInput("x").addInput("b")
                        .addOutput("e"))
                .addOutput(TensorInfo.floatTensorOfUnknownShape("e").proto()).build();
        Graph g = Graph.create("branches", 13);
        g.addInput(TensorInfo.floatTensor("x", 2, 3));
        g.addInput(new TensorInfo(ValueInfoProto.newBuilder().setName("cond").setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.BOOL_VALUE))).build()));
        g.addNode(Node.of("if", "If", "", List.of("cond"), List.of("y"), List.of(
                AttributeProto.newBuilder().setName("then_branch").setType(AttributeType.GRAPH).setG(thenBranch)
                        .build(),
                AttributeProto.newBuilder().setName("else_branch").setType(AttributeType.GRAPH).setG(elseBranch)
                        .build())));
        g.addOutput("y");
        Path model = dir.resolve("if.onnx");
        g.toModel().write(model);

        CliRun run = CliRun.of("inspect", "-m", model, "--no-runtime", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = JSON.readTree(run.out());
        assertEquals(9, doc.get("totalParameters").get("values").asLong());
        JsonNode where = doc.get("parameterLocations");
        assertEquals(3, where.get("subgraph Constant nodes").get("values").asLong(), where::toString);
        assertEquals(6, where.get("subgraph initializers").get("values").asLong(), where::toString);
        assertEquals(2, where.size(), where::toString);
        // The If and the nodes of both branches: 1 + 2 + 1.
        assertEquals(4, doc.get("nodes").asInt());
        assertEquals(3, doc.get("subgraphNodes").asInt());

        CliRun details = CliRun.of("inspect", "-m", model, "--no-runtime", "--details", "--json");
        JsonNode list = JSON.readTree(details.out()).get("nodeList");
        assertEquals(4, list.size(), list::toString);
        assertEquals("/if.then_branch", list.get(2).get("graph").asText(), list::toString);
        assertEquals("Mul", list.get(2).get("opType").asText(), list::toString);
        assertEquals("/if.else_branch", list.get(3).get("graph").asText(), list::toString);
        assertEquals("add", list.get(3).get("name").asText(), list::toString);

        CliRun text = CliRun.of("inspect", "-m", model, "--no-runtime", "--details");
        assertTrue(text.out().contains("4 nodes (3 inside If/Loop/Scan subgraphs)"), text::toString);
        assertTrue(text.out().matches("(?s).*/if\\.else_branch\\s+add\\s+Add.*"), text::toString);
    }

    @Test
    void aFloatModelGetsOneLineSayingItHasNoIntegerLayers() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(1), dir.resolve("cnn.onnx"));

        CliRun run = CliRun.of("inspect", "-m", model, "--no-runtime");

        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines().stream().filter(l -> l.contains("ortab")).toList();
        assertEquals(List.of("Portability: no int8 x uint8 layers: nothing can saturate"), lines, run::toString);
        assertFalse(run.out().contains("WORST PAIR SUM"), run::toString);
    }

    @Test
    void aModelForTheVnniTargetIsNotPortable() throws Exception {
        Path quantized = quantize(ReferenceGraphs.smallCnn(4), "vnni");

        CliRun text = CliRun.of("inspect", "-m", quantized, "--no-runtime");
        CliRun json = CliRun.of("inspect", "-m", quantized, "--no-runtime", "--json");

        assertEquals(0, text.exitCode(), text::toString);
        assertEquals(0, json.exitCode(), json::toString);
        JsonNode portability = JSON.readTree(json.out()).get("portability");
        assertFalse(portability.get("portable").asBoolean(), json::toString);
        JsonNode layers = portability.get("layers");
        // smallCnn: two Convs and the Gemm run on uint8 x int8 kernels that pair products in int16.
        assertEquals(List.of("Conv", "Conv", "Gemm"), opTypes(layers), json::toString);
        int notPortable = 0;
        for (JsonNode l : layers) {
            boolean atRisk = l.get("worstPairSum").asInt() > Short.MAX_VALUE;
            assertEquals(atRisk, l.get("channelsAtRisk").asInt() > 0, l::toString);
            assertEquals(!atRisk, l.get("portable").asBoolean(), l::toString);
            assertTrue(l.get("channelsAtRisk").asInt() <= l.get("channels").asInt(), l::toString);
            notPortable += atRisk ? 1 : 0;
            String row = portabilitySection(text).stream()
                    .filter(line -> line.startsWith("  " + l.get("node").asText() + " "))
                    .findFirst().orElseThrow(() -> new AssertionError("no row for " + l + " in\n" + text));
            assertTrue(row.matches("\\s+\\S+\\s+" + l.get("opType").asText() + "\\s+[\\d,]+\\s+"
                    + l.get("channelsAtRisk").asInt() + " / " + l.get("channels").asInt() + "\\s+"
                    + (atRisk ? "no" : "yes")), row);
        }
        assertTrue(notPortable > 0, "full 8-bit weights of the vnni target saturate some pair: " + json);
        String verdict = "not portable: " + notPortable + (notPortable == 1 ? " layer" : " layers")
                + " can saturate on x86-64 CPUs with AVX2 but without VNNI; re-quantize with --target portable";
        assertEquals("  " + verdict, portabilitySection(text).get(portabilitySection(text).size() - 1), text::toString);
        assertEquals(verdict, portability.get("summary").asText());
    }

    @Test
    void aModelForThePortableTargetIsPortableAndItsDepthwiseConvAddsInInt32() throws Exception {
        Path quantized = quantize(depthwiseCnn(), "portable");

        CliRun text = CliRun.of("inspect", "-m", quantized, "--no-runtime");
        CliRun json = CliRun.of("inspect", "-m", quantized, "--no-runtime", "--json");

        assertEquals(0, text.exitCode(), text::toString);
        JsonNode portability = JSON.readTree(json.out()).get("portability");
        assertTrue(portability.get("portable").asBoolean(), json::toString);
        JsonNode layers = portability.get("layers");
        assertEquals(3, layers.size(), json::toString);
        JsonNode depthwise = layers.get(1);
        assertFalse(depthwise.get("pairsInInt16").asBoolean(), json::toString);
        // The depthwise Conv keeps full 8-bit weights: its pair sums exceed int16, which its kernel never forms.
        assertTrue(depthwise.get("worstPairSum").asInt() > Short.MAX_VALUE, json::toString);
        assertEquals(0, depthwise.get("channelsAtRisk").asInt(), json::toString);
        for (JsonNode l : List.of(layers.get(0), layers.get(2))) {
            assertTrue(l.get("pairsInInt16").asBoolean(), l::toString);
            // 7-bit weights: a pair of products is at most 255 * 128 = 32640.
            assertTrue(l.get("worstPairSum").asInt() <= 32640, l::toString);
            assertTrue(l.get("portable").asBoolean(), l::toString);
        }
        assertTrue(portabilitySection(text).stream().anyMatch(l -> l.matches("\\s+" + depthwise.get("node").asText()
                + "\\s+Conv\\s+[\\d,]+\\s+0 / 8\\s+yes \\(depthwise kernel, adds in int32\\)")), text::toString);
        List<String> section = portabilitySection(text);
        assertEquals("  portable: accurate on every x86-64 AVX2+ / ARM64 CPU", section.get(section.size() - 1),
                text::toString);
    }

    @Test
    void theExecutedGraphIsShownWithThisMachinesCpu() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(5), dir.resolve("mlp.onnx"));

        CliRun text = CliRun.of("inspect", "-m", model, "--threads", 1);
        CliRun json = CliRun.of("inspect", "-m", model, "--threads", 1, "--json");

        assertEquals(0, text.exitCode(), text::toString);
        CpuFeatures cpu = CpuFeatures.host();
        assertTrue(text.outLines().stream().anyMatch(l -> l.startsWith("ONNX Runtime executes after optimisation")
                && l.endsWith(" on this CPU, " + cpu.summary() + ":")), text::toString);
        JsonNode runtimeCpu = JSON.readTree(json.out()).get("runtime").get("cpu");
        assertEquals(cpu.int8Kind(), runtimeCpu.get("int8Kind").asText());
        assertEquals(cpu.model(), runtimeCpu.get("model").asText());
        assertEquals(cpu.int8Flags(), runtimeCpu.get("flags").asText());
    }

    @Test
    void dynamicModelsAreCheckedByTheirInt8Weights() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(6), dir.resolve("mlp.onnx"));
        for (String target : new String[] {"portable", "vnni"}) {
            Path quantized = dir.resolve("mlp-dynamic-" + target + ".onnx");
            CliRun quantize = CliRun.of("quantize", "-m", model, "--mode", "dynamic", "-o", quantized, "--target",
                    target);
            assertEquals(0, quantize.exitCode(), quantize::toString);

            CliRun json = CliRun.of("inspect", "-m", quantized, "--no-runtime", "--json");

            assertEquals(0, json.exitCode(), json::toString);
            JsonNode portability = JSON.readTree(json.out()).get("portability");
            assertEquals(target.equals("portable"), portability.get("portable").asBoolean(), json::toString);
            assertTrue(portability.get("layers").size() >= 2, json::toString);
            assertEquals("MatMulInteger", portability.get("layers").get(0).get("opType").asText(), json::toString);
        }
    }

    /** {@code model} written to the temporary directory and quantized (static, 8 samples) for {@code target}. */
    private Path quantize(ModelProto model, String target) {
        Path file = TestFiles.model(model, dir.resolve("model.onnx"));
        Path quantized = dir.resolve("model-" + target + ".onnx");
        CliRun run = CliRun.of("quantize", "-m", file, "-d", Samples.images(dir, 8), "-o", quantized,
                "--target", target);
        assertEquals(0, run.exitCode(), run::toString);
        return quantized;
    }

    /** Conv 1 to 8 channels, ReLU, a depthwise Conv (8 groups of one channel), ReLU, pooling, Gemm to 10 classes. */
    private static ModelProto depthwiseCnn() {
        HeInitializer init = new HeInitializer(9);
        GraphBuilder b = GraphBuilder.create("depthwise_cnn");
        String x = b.input(ReferenceGraphs.INPUT, -1, 1, 28, 28);
        String c1 = b.relu(b.conv(x, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8), ConvOptions.of(1, 1)));
        String dw = b.relu(b.conv(c1, init.convWeights(8, 1, 3, 3), init.uniform(-0.1f, 0.1f, 8),
                ConvOptions.of(1, 1).withGroup(8)));
        String pooled = b.flatten(b.globalAveragePool(dw), 1);
        b.output(b.gemm(pooled, init.denseWeights(10, 8), init.uniform(-0.1f, 0.1f, 10), true), ReferenceGraphs.OUTPUT);
        return b.build();
    }

    /** The lines of the text output from the "Portability" heading to the next blank line. */
    private static List<String> portabilitySection(CliRun run) {
        List<String> lines = run.outLines();
        int start = 0;
        while (start < lines.size() && !lines.get(start).startsWith("Portability")) {
            start++;
        }
        int end = start;
        while (end < lines.size() && !lines.get(end).isBlank()) {
            end++;
        }
        assertTrue(end > start, () -> "no portability section in\n" + run);
        return lines.subList(start, end);
    }

    private static List<String> opTypes(JsonNode layers) {
        List<String> out = new ArrayList<>();
        layers.forEach(l -> out.add(l.get("opType").asText()));
        return out;
    }

    @Test
    void showsThatOnnxRuntimeRunsQLinearConvForAQuantizedModel() {
        Path model = TestFiles.model(ReferenceGraphs.smallCnn(2), dir.resolve("cnn.onnx"));
        Path quantized = dir.resolve("cnn-int8.onnx");
        CliRun quantize = CliRun.of("quantize", "-m", model, "-d", Samples.images(dir, 8), "-o", quantized);
        assertEquals(0, quantize.exitCode(), quantize::toString);

        CliRun run = CliRun.of("inspect", "-m", quantized, "--threads", 1);

        assertEquals(0, run.exitCode(), run::toString);
        String out = run.out();
        int runtime = out.indexOf("ONNX Runtime executes after optimisation (level all");
        assertTrue(runtime > 0, run::toString);
        assertTrue(out.substring(runtime).lines().anyMatch(l -> l.matches("\\s+(\\S+:)?QLinearConv\\s+2")),
                run::toString);
        assertTrue(out.substring(0, runtime).lines().anyMatch(l -> l.matches("\\s+QuantizeLinear\\s+\\d+")),
                run::toString);
        assertTrue(out.contains("INT8"), run::toString);
    }

    @Test
    void runtimeOperatorsAreInTheJson() throws Exception {
        Path model = TestFiles.model(ReferenceGraphs.mlp(3), dir.resolve("mlp.onnx"));

        CliRun run = CliRun.of("inspect", "-m", model, "--level", "basic", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode runtime = JSON.readTree(run.out()).get("runtime");
        assertEquals("basic", runtime.get("level").asText());
        long total = 0;
        for (Iterator<JsonNode> it = runtime.get("operators").elements(); it.hasNext(); ) {
            total += it.next().asLong();
        }
        assertEquals(runtime.get("nodes").asLong(), total);
    }
}
