package org.quant4j.onnx.opset;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import ai.onnxruntime.OrtException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.opset.OrtProtoRunner.Value;

/**
 * The ONNX backend node tests (Debian's {@code libonnx-testdata}) as the conversion corpus: every
 * node model of an opset below 13 that the converter accepts is converted to 13, and every model
 * below {@link OpsetConverter#MAX_TARGET} to that; ONNX Runtime's outputs on the converted model must
 * equal its outputs on the original within 1e-6 (absolute; exact for integer, boolean and string
 * outputs). Where ORT cannot run the original at its old opset, the converted model's outputs are
 * compared with the test's expected outputs at the node tests' own tolerance (numpy's
 * {@code assert_allclose} with rtol 1e-3, atol 1e-7, as ONNX's backend test runner uses).
 */
class NodeTestCorpusTest {

    private static final Path NODE_TESTS = Path.of("/usr/share/libonnx-testdata/data/node");
    private static final double ATOL_SAME_RUNTIME = 1e-6;
    private static final double RTOL_EXPECTED = 1e-3;
    private static final double ATOL_EXPECTED = 1e-7;

    private final Map<String, Integer> counts = new TreeMap<>();
    private final Map<String, TreeSet<String>> refusedByOp = new TreeMap<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> ortCannotRun = new ArrayList<>();

    @Test
    void convertedNodeModelsComputeWhatTheOriginalsDo() throws IOException {
        assumeTrue(Files.isDirectory(NODE_TESTS), "ONNX node tests not installed at " + NODE_TESTS
                + ": apt-get install libonnx-testdata to run the opset conversion corpus");
        List<Path> dirs;
        try (Stream<Path> s = Files.list(NODE_TESTS)) {
            dirs = s.filter(d -> Files.isRegularFile(d.resolve("model.onnx"))).sorted().toList();
        }
        for (Path dir : dirs) {
            ModelProto model;
            try (InputStream in = Files.newInputStream(dir.resolve("model.onnx"))) {
                model = ModelProto.parseFrom(in);
            }
            long opset = model.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty()
                    || o.getDomain().equals("ai.onnx")).mapToLong(OperatorSetIdProto::getVersion).findFirst()
                    .orElse(-1);
            if (opset < OnnxModel.MIN_OPSET || opset >= OpsetConverter.MAX_TARGET) {
                continue;
            }
            List<TensorProto> inputs = read(dir.resolve("test_data_set_0"), "input_");
            List<TensorProto> expected = read(dir.resolve("test_data_set_0"), "output_");
            if (opset < 13) {
                check(dir, model, 13, inputs, expected);
            }
            check(dir, model, OpsetConverter.MAX_TARGET, inputs, expected);
        }
        StringBuilder report = new StringBuilder("Opset conversion of the ONNX node tests: ").append(counts)
                .append("\nRefused, by op: ");
        refusedByOp.forEach((op, models) -> report.append("\n  ").append(op).append(": ").append(models));
        report.append("\nORT cannot run original or converted (not counted): ").append(ortCannotRun);
        System.out.println(report);
        assertTrue(failures.isEmpty(), failures.size() + " converted model(s) differ:\n"
                + String.join("\n", failures));
        // Floors that catch a corpus silently shrinking (1.12.0 packs 183 and 846 passing models).
        assertTrue(counts.getOrDefault("passed to 13", 0) >= 150
                && counts.getOrDefault("passed to " + OpsetConverter.MAX_TARGET, 0) >= 800, report.toString());
    }

    private void check(Path dir, ModelProto model, int target, List<TensorProto> inputs,
            List<TensorProto> expected) {
        String test = dir.getFileName() + "->" + target;
        ModelProto converted;
        try {
            Graph g = OnnxModel.of(model).graph();
            OpsetConverter.convert(g, target);
            converted = g.toProto();
        } catch (ModelException e) {
            count("refused to " + target);
            refusedByOp.computeIfAbsent(refusedOp(e.getMessage(), model), k -> new TreeSet<>())
                    .add(dir.getFileName() + "->" + target);
            return;
        }
        count("accepted to " + target);
        Map<String, Optional<Value>> actual;
        try {
            actual = OrtProtoRunner.run(converted, inputs);
        } catch (OrtException | RuntimeException e) {
            try {
                OrtProtoRunner.run(model, inputs);
            } catch (OrtException | RuntimeException e2) {
                ortCannotRun.add(test);
                count("ORT cannot run, to " + target);
                return;
            }
            failures.add(test + ": ORT runs the original but not the converted model: " + e.getMessage());
            return;
        }
        List<Value> reference = new ArrayList<>();
        double atol;
        double rtol;
        try {
            for (Optional<Value> v : OrtProtoRunner.run(model, inputs).values()) {
                reference.add(v.orElse(null));
            }
            atol = ATOL_SAME_RUNTIME;
            rtol = 0;
        } catch (OrtException | RuntimeException e) {
            expected.forEach(t -> reference.add(OrtProtoRunner.value(t)));
            atol = ATOL_EXPECTED;
            rtol = RTOL_EXPECTED;
            count("compared with expected outputs, to " + target);
        }
        List<Optional<Value>> got = List.copyOf(actual.values());
        for (int i = 0; i < reference.size() && i < got.size(); i++) {
            if (reference.get(i) == null || got.get(i).isEmpty()) {
                continue;
            }
            String diff = difference(reference.get(i), got.get(i).get(), atol, rtol);
            if (diff != null) {
                String vsExpected = i < expected.size() ? difference(OrtProtoRunner.value(expected.get(i)),
                        got.get(i).get(), ATOL_EXPECTED, RTOL_EXPECTED) : "no expected output";
                failures.add(test + " output " + i + ": " + diff + "; against the expected output: "
                        + (vsExpected == null ? "equal" : vsExpected));
                return;
            }
        }
        count("passed to " + target);
    }

    private void count(String key) {
        counts.merge(key, 1, Integer::sum);
    }

    /** The op a refusal names ("node 'x' (Op)" or "rule for Op"), else the model's first op. */
    private static String refusedOp(String message, ModelProto model) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\(([A-Za-z]+)\\) (?:cannot|inside|may)")
                .matcher(message);
        if (m.find()) {
            return m.group(1);
        }
        m = java.util.regex.Pattern.compile("rule for ([A-Za-z]+)").matcher(message);
        if (m.find()) {
            return m.group(1);
        }
        return model.getGraph().getNodeList().stream().map(NodeProto::getOpType).findFirst().orElse("?");
    }

    private static List<TensorProto> read(Path dataSet, String prefix) throws IOException {
        List<TensorProto> list = new ArrayList<>();
        for (int i = 0; Files.exists(dataSet.resolve(prefix + i + ".pb")); i++) {
            try (InputStream in = Files.newInputStream(dataSet.resolve(prefix + i + ".pb"))) {
                list.add(TensorProto.parseFrom(in));
            }
        }
        return list;
    }

    /** Null when equal within the tolerance, else what differs. */
    static String difference(Value want, Value got, double atol, double rtol) {
        if (!Arrays.equals(want.shape(), got.shape())) {
            return "shape " + Arrays.toString(got.shape()) + " instead of " + Arrays.toString(want.shape());
        }
        if (want.strings() != null || got.strings() != null) {
            return Arrays.equals(want.strings(), got.strings()) ? null : "strings differ";
        }
        if (want.type() != got.type()) {
            return "element type " + got.type() + " instead of " + want.type();
        }
        DataType type = DataType.forNumber(want.type());
        if (type == DataType.FLOAT || type == DataType.DOUBLE || type == DataType.FLOAT16) {
            double[] a = floats(want.bytes(), type);
            double[] b = floats(got.bytes(), type);
            double worst = 0;
            for (int i = 0; i < a.length; i++) {
                if (Double.isNaN(a[i]) && Double.isNaN(b[i]) || a[i] == b[i]) {
                    continue;
                }
                double d = Math.abs(a[i] - b[i]);
                if (!(d <= atol + rtol * Math.abs(a[i]))) {
                    worst = Math.max(worst, Double.isNaN(d) ? Double.POSITIVE_INFINITY : d);
                }
            }
            return worst == 0 ? null : "max abs difference " + worst;
        }
        return want.bytes().duplicate().equals(got.bytes().duplicate()) ? null : "values differ";
    }

    private static double[] floats(ByteBuffer raw, DataType type) {
        ByteBuffer b = raw.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int width = OrtProtoRunner.width(type);
        double[] out = new double[b.remaining() / width];
        for (int i = 0; i < out.length; i++) {
            out[i] = switch (type) {
                case DOUBLE -> b.getDouble();
                case FLOAT16 -> org.quant4j.onnx.quantize.Float16.toFloat(b.getShort());
                default -> b.getFloat();
            };
        }
        return out;
    }
}
