package org.quant4j.onnx.transform;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.api.quantize.NodeDecision.Action;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorProtos;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Folds an inference BatchNormalization into the Conv or Gemm that feeds it, so the pair quantizes
 * as one layer. With {@code s = gamma / sqrt(var + eps)} per output channel {@code m}:
 * {@code W'[m] = W[m] * s[m]} and {@code b'[m] = (b[m] - mean[m]) * s[m] + beta[m]} (b = 0 when
 * absent). For Gemm the channel is the output column, and {@code b} is {@code beta_gemm * C}.
 *
 * <p>A BatchNormalization is folded only when its input comes from a Conv or Gemm (the ops whose
 * {@link OpTable} entry {@link OpSpec#foldsBatchNorm folds batch norm}) whose output
 * nothing else reads and that is not a graph output, and all parameters are constant float
 * initializers. The producer then writes the BatchNormalization's output, so downstream names
 * (and graph outputs) stay the same. Weights shared with other nodes are copied, not changed.
 */
public final class BatchNormFolding implements GraphTransform {

    private static final Logger LOG = LoggerFactory.getLogger(BatchNormFolding.class);
    private static final String BN = "BatchNormalization";

    @Override
    public String name() {
        return "batchnorm-folding";
    }

    @Override
    public List<NodeDecision> apply(Graph graph) {
        List<NodeDecision> decisions = new ArrayList<>();
        for (Node bn : graph.nodes()) {
            if (!bn.is(BN)) {
                continue;
            }
            String folded;
            try {
                folded = fold(graph, bn);
            } catch (Skip s) {
                String reason = "not folded: " + s.getMessage();
                LOG.info("{} '{}' {}", BN, bn.name(), reason);
                decisions.add(new NodeDecision(bn.name(), BN, Action.SKIPPED, reason));
                continue;
            }
            String reason = "folded into " + folded + " (weights and bias rescaled per output channel)";
            LOG.debug("{} '{}' {}", BN, bn.name(), reason);
            decisions.add(new NodeDecision(bn.name(), BN, Action.FOLDED, reason));
        }
        return decisions;
    }

    /** Folds {@code bn}; returns a description of the node it was folded into. */
    private static String fold(Graph graph, Node bn) {
        for (int i = 1; i < bn.outputs().size(); i++) {
            String extra = bn.outputs().get(i);
            if (!extra.isEmpty() && (!graph.consumers(extra).isEmpty() || graph.isGraphOutput(extra))) {
                throw new Skip("its training output '" + extra + "' is used");
            }
        }
        if (bn.intAttribute("training_mode", 0) != 0) {
            throw new Skip("it runs in training mode");
        }
        String x = bn.input(0);
        Node producer = graph.producer(x)
                .orElseThrow(() -> new Skip("its input '" + x + "' is a graph input or initializer"));
        OpSpec spec = OpTable.of(producer);
        if (!spec.foldsBatchNorm()) {
            throw new Skip("its input comes from " + producer.opType() + " '" + producer.name()
                    + "', not from a Conv or Gemm");
        }
        if (graph.consumers(x).size() != 1 || graph.isGraphOutput(x)) {
            throw new Skip("the output of " + producer.opType() + " '" + producer.name()
                    + "' is also read elsewhere, so it must keep its unnormalised values");
        }
        FloatTensor gamma = constant(graph, bn, bn.input(1), "scale");
        FloatTensor beta = constant(graph, bn, bn.input(2), "bias");
        FloatTensor mean = constant(graph, bn, bn.input(3), "mean");
        FloatTensor var = constant(graph, bn, bn.input(4), "variance");
        int channels = gamma.size();
        for (FloatTensor t : List.of(gamma, beta, mean, var)) {
            if (t.rank() != 1 || t.size() != channels) {
                throw new Skip("its scale, bias, mean and variance are " + gamma + ", " + beta + ", " + mean + ", "
                        + var + ": expected one value per channel each");
            }
        }
        double eps = bn.floatAttribute("epsilon", 1e-5f);
        double[] s = new double[channels];
        for (int c = 0; c < channels; c++) {
            s[c] = gamma.get(c) / Math.sqrt(var.get(c) + eps);
        }
        Node rewritten = producer.is("Conv")
                ? foldIntoConv(graph, producer, spec, s, beta, mean)
                : foldIntoGemm(graph, producer, spec, s, beta, mean);
        graph.removeNode(bn.name());
        graph.replaceNode(producer.name(), rewritten.withOutputs(List.of(bn.output(0))));
        for (String p : bn.inputs().subList(1, bn.inputs().size())) {
            graph.removeInitializerIfUnused(p);
        }
        for (String p : producer.inputs()) {
            if (!p.isEmpty()) {
                graph.removeInitializerIfUnused(p);
            }
        }
        return producer.opType() + " '" + producer.name() + "'";
    }

    private static Node foldIntoConv(Graph graph, Node conv, OpSpec spec, double[] s, FloatTensor beta,
            FloatTensor mean) {
        String wName = conv.input(spec.weightInput());
        String bName = conv.input(spec.biasInput());
        FloatTensor w = constant(graph, conv, wName, "weights");
        int m = s.length;
        if (w.rank() < 3 || w.dim(0) != m) {
            throw new Skip("Conv '" + conv.name() + "' has weights " + w + ", not " + m + " output channels");
        }
        int per = w.size() / m;
        float[] bias = foldedBias(biasOrZero(graph, conv, bName, m, 1.0), s, beta, mean);
        String newW = store(graph, conv, wName, w.shape(), i -> (float) (w.get(i) * s[i / per]));
        String newB = store(graph, conv, bName.isEmpty() ? conv.name() + "_B" : bName, new long[] {m}, i -> bias[i]);
        return conv.withInput(spec.weightInput(), newW).withInput(spec.biasInput(), newB);
    }

    private static Node foldIntoGemm(Graph graph, Node gemm, OpSpec spec, double[] s, FloatTensor beta,
            FloatTensor mean) {
        String bName = gemm.input(spec.weightInput());
        String cName = gemm.input(spec.biasInput());
        FloatTensor b = constant(graph, gemm, bName, "weights");
        // Output columns along axis 0 of B mean B is [N, K]: transB.
        int axis = spec.weightAxis(gemm, 2);
        int m = s.length;
        if (b.rank() != 2 || b.dim(axis) != m) {
            throw new Skip("Gemm '" + gemm.name() + "' has weights " + b + " (transB=" + (axis == 0 ? 1 : 0)
                    + "), not " + m + " output columns");
        }
        int cols = (int) b.dim(1);
        float[] bias = foldedBias(biasOrZero(graph, gemm, cName, m, spec.beta(gemm)), s, beta, mean);
        String newB = store(graph, gemm, bName, b.shape(), i -> (float) (b.get(i) * s[axis == 0 ? i / cols : i % cols]));
        String newC = store(graph, gemm, cName.isEmpty() ? gemm.name() + "_C" : cName, new long[] {m}, i -> bias[i]);
        return gemm.withInput(spec.weightInput(), newB).withInput(spec.biasInput(), newC)
                .withAttribute(Attributes.floating(spec.betaAttribute(), 1.0f));
    }

    /** {@code (b - mean) * s + beta} per channel, computed in double. */
    private static float[] foldedBias(double[] b, double[] s, FloatTensor beta, FloatTensor mean) {
        float[] out = new float[s.length];
        for (int c = 0; c < s.length; c++) {
            out[c] = (float) ((b[c] - mean.get(c)) * s[c] + beta.get(c));
        }
        return out;
    }

    /**
     * The producer's bias per output channel times {@code scale}, or zeros when it has none. A bias
     * that is a scalar or {@code [1]} is broadcast; one of {@code [m]} or {@code [1, m]} is taken as is.
     */
    private static double[] biasOrZero(Graph graph, Node node, String name, int m, double scale) {
        double[] b = new double[m];
        if (name.isEmpty()) {
            return b;
        }
        FloatTensor t = constant(graph, node, name, "bias");
        boolean perChannel = t.size() == m && (t.rank() == 1 || (t.rank() == 2 && t.dim(0) == 1));
        if (t.size() != 1 && !perChannel) {
            throw new Skip(node.opType() + " '" + node.name() + "' has bias " + t + ", which is not per output channel");
        }
        for (int c = 0; c < m; c++) {
            b[c] = scale * t.get(t.size() == 1 ? 0 : c);
        }
        return b;
    }

    private static FloatTensor constant(Graph graph, Node node, String name, String what) {
        if (name.isEmpty()) {
            throw new Skip(node.opType() + " '" + node.name() + "' has no " + what);
        }
        Optional<FloatTensor> t;
        try {
            t = graph.floatInitializer(name);
        } catch (RuntimeException e) {
            throw new Skip("the " + what + " '" + name + "' of " + node.opType() + " '" + node.name()
                    + "' is not usable: " + e.getMessage());
        }
        return t.orElseThrow(() -> new Skip("the " + what + " '" + name + "' of " + node.opType() + " '" + node.name()
                + "' is not a constant initializer"));
    }

    /**
     * Writes the values {@code values} of shape {@code dims} for {@code node}: over the initializer
     * {@code name} when only this node reads it, otherwise (or when it does not exist yet) under a
     * fresh name. Returns the name used. The values go straight into the new tensor's bytes (read
     * from the old weight's view), so a folded weight is allocated once.
     */
    private static String store(Graph graph, Node node, String name, long[] dims, TensorProtos.FloatValues values) {
        boolean ownedByNode = graph.isInitializer(name) && graph.consumers(name).size() == 1
                && !graph.isGraphOutput(name);
        String target = ownedByNode ? name
                : graph.uniqueName(graph.isInitializer(name) ? name + "_bnfolded" : name);
        graph.putInitializer(TensorProtos.floats(target, dims, values));
        return target;
    }

    /** Why a BatchNormalization cannot be folded; caught per node, never escapes the transform. */
    private static final class Skip extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Skip(String reason) {
            super(reason, null, false, false);
        }
    }
}
