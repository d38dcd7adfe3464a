package org.quant4j.onnxruntime.runtime;

import ai.onnx.proto.OnnxMl.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.quant4j.api.QuantException;
import org.quant4j.onnx.graph.OnnxModel;

/**
 * The operators ONNX Runtime actually runs for a model after its graph optimisations: the session
 * writes its optimised graph to a temporary file, which is read back and deleted. This shows, for
 * example, whether a quantized model runs {@code com.microsoft:QLinearConv} or falls back to float
 * {@code Conv} between QuantizeLinear and DequantizeLinear.
 */
public final class OptimizedOps {

    /**
     * An operator type with its domain.
     *
     * @param domain {@code ""} for the default ONNX domain, else e.g. {@code com.microsoft}
     * @param type   e.g. {@code QLinearConv}
     */
    public record OpType(String domain, String type) {

        /** {@code type} for the default domain, else {@code domain:type}. */
        public String qualifiedName() {
            return domain.isEmpty() ? type : domain + ":" + type;
        }

        @Override
        public String toString() {
            return qualifiedName();
        }
    }

    private final List<OpType> ops;

    private OptimizedOps(List<OpType> ops) {
        this.ops = List.copyOf(ops);
    }

    /**
     * Creates a session for {@code model} with {@code options} (its optimised-model path is replaced
     * by a temporary file) and lists the operators of the graph ONNX Runtime produced.
     */
    public static OptimizedOps list(Path model, RunnerOptions options) {
        Path dir;
        try {
            dir = Files.createTempDirectory("quant4j-optimized-");
        } catch (IOException e) {
            throw new QuantException("Cannot create a temporary directory for the optimised model: " + e, e);
        }
        try {
            Path out = dir.resolve("optimized.onnx");
            // Creating the session is what makes ONNX Runtime write the optimised graph.
            OrtRunner.open(model, options.toBuilder().optimizedModelPath(out).build()).close();
            List<OpType> ops = new ArrayList<>();
            collect(OnnxModel.read(out).proto().getGraph(), ops);
            return new OptimizedOps(ops);
        } finally {
            deleteRecursively(dir);
        }
    }

    /** Adds the nodes of {@code g} and, after each, those of its subgraphs (If branches, Loop and Scan bodies). */
    private static void collect(ai.onnx.proto.OnnxMl.GraphProto g, List<OpType> ops) {
        for (NodeProto n : g.getNodeList()) {
            String domain = n.getDomain().equals("ai.onnx") ? "" : n.getDomain();
            ops.add(new OpType(domain, n.getOpType()));
            for (ai.onnx.proto.OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.hasG()) {
                    collect(a.getG(), ops);
                }
                a.getGraphsList().forEach(sub -> collect(sub, ops));
            }
        }
    }

    /** One entry per node of the optimised graph and of its subgraphs, in node order. */
    public List<OpType> ops() {
        return ops;
    }

    /** True when some node has operator type {@code type}, in any domain. */
    public boolean contains(String type) {
        return count(type) > 0;
    }

    /** Number of nodes of operator type {@code type}, in any domain. */
    public long count(String type) {
        return ops.stream().filter(o -> o.type().equals(type)).count();
    }

    /** Node count per qualified operator name, sorted by name. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        ops.forEach(o -> counts.merge(o.qualifiedName(), 1L, Long::sum));
        return counts;
    }

    @Override
    public String toString() {
        return "OptimizedOps" + counts();
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new QuantException("Cannot delete temporary directory " + dir + ": " + e, e);
        }
    }
}
