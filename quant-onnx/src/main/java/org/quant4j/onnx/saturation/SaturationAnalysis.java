package org.quant4j.onnx.saturation;

import java.util.ArrayList;
import org.quant4j.api.InvalidInputException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quant4j.onnx.graph.Attributes;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.graph.TensorInfo;

/**
 * Predicts, for each uint8 x int8 Conv, Gemm and MatMul of a QDQ model (and each MatMulInteger and
 * DynamicQuantizeLSTM of a dynamic one), whether ONNX Runtime's
 * AVX2 kernel (no VNNI) can saturate its int16 pair sums, and how often it does on data.
 *
 * <p>From the weights alone ({@link #ofWeights}): a pair of int8 weights {@code (w1, w2)} can
 * saturate when {@code 255 * (w1+ + w2+) > 32767} or {@code 255 * (w1- + w2-) < -32768}; weights in
 * {@code [-64, 64]} (the portable target) never do. On data ({@link Probe}, run by a backend): the model runs
 * with each layer's uint8 input made an output, and every output value of the layer
 * is recomputed with {@link PairedInt16Dot#avx2} against {@link PairedInt16Dot#exact}.
 */
public final class SaturationAnalysis {

    private SaturationAnalysis() {
    }

    /**
     * The layers of {@code graph} that a uint8 x int8 kernel runs, with what their weights allow;
     * one layer's weights are laid out at a time.
     */
    public static SaturationReport ofWeights(Graph graph) {
        List<LayerSaturation> out = new ArrayList<>();
        for (Node n : graph.topologicalSort()) {
            QuantizedLayer.of(graph, n).ifPresent(l -> out.add(fromWeights(l, Optional.empty())));
        }
        return new SaturationReport(out, 0);
    }

    /**
     * The emulation of what the AVX2 kernel does on data: {@link #graph()} is a copy of the model in
     * which each layer's uint8 input is also a float graph output; a backend runs it on samples and
     * hands every run's outputs to {@link #observe}, then asks for the {@link #report}.
     */
    public static final class Probe {
        private final Graph graph;
        private final List<QuantizedLayer> layers;
        private final Map<String, String> probes = new LinkedHashMap<>();
        private final Map<QuantizedLayer, Counter> counters = new LinkedHashMap<>();
        private int seen;

        private Probe(OnnxModel model) {
            graph = OnnxModel.of(model.proto()).graph();
            layers = layers(graph);
            for (QuantizedLayer l : layers) {
                counters.put(l, new Counter(l));
                if (l.input() == null) {
                    continue;
                }
                probes.computeIfAbsent(l.input(), t -> {
                    String cast = graph.uniqueName(t + "_saturation_probe");
                    graph.addNode(Node.of(graph.uniqueName(t + "_saturation_cast"), "Cast", Node.DEFAULT_DOMAIN,
                            List.of(t), List.of(cast), List.of(Attributes.integer("to", 1))));
                    graph.addOutput(TensorInfo.floatTensorOfUnknownShape(cast));
                    return cast;
                });
            }
        }

        /** Whether the model has no uint8 x int8 layer, so there is nothing to run. */
        public boolean isEmpty() {
            return layers.isEmpty();
        }

        /** The model with the probe outputs added. */
        public Graph graph() {
            return graph;
        }

        /** Recomputes every layer's outputs for the first {@code samples} samples of one run's outputs. */
        public void observe(Map<String, FloatTensor> outputs, int samples) {
            for (QuantizedLayer l : layers) {
                if (l.input() != null) {
                    SaturationAnalysis.observe(l, outputs.get(probes.get(l.input())), samples, counters.get(l));
                }
            }
            seen += samples;
        }

        /** Samples observed so far. */
        public int samples() {
            return seen;
        }

        /** What the weights allow and what the observed samples did. */
        public SaturationReport report() {
            List<LayerSaturation> out = new ArrayList<>();
            for (QuantizedLayer l : layers) {
                out.add(fromWeights(l, l.input() == null ? Optional.empty() : Optional.of(counters.get(l).result())));
            }
            return new SaturationReport(out, seen);
        }
    }

    /** A probe of {@code model} (which is not modified), to run on data. */
    public static Probe probe(OnnxModel model) {
        return new Probe(model);
    }

    static List<QuantizedLayer> layers(Graph graph) {
        List<QuantizedLayer> out = new ArrayList<>();
        for (Node n : graph.topologicalSort()) {
            QuantizedLayer.of(graph, n).ifPresent(out::add);
        }
        return out;
    }

    private static LayerSaturation fromWeights(QuantizedLayer l, Optional<LayerSaturation.Observed> observed) {
        int[] worst = l.worstPairSums();
        int atRisk = 0;
        int max = 0;
        for (int w : worst) {
            max = Math.max(max, w);
            if (l.pairsInInt16() && w > PairedInt16Dot.INT16_MAX) {
                atRisk++;
            }
        }
        return new LayerSaturation(l.node(), l.opType(), l.pairsInInt16(), max, l.channels(), atRisk,
                l.pairsInInt16() ? observed : observed.map(o -> new LayerSaturation.Observed(o.pairs(), 0, o.outputs(),
                        0, 0)));
    }

    /** Recomputes every output value of {@code layer} for the first {@code samples} samples of {@code input}. */
    static void observe(QuantizedLayer layer, FloatTensor input, int samples, Counter counter) {
        int[] levels = new int[input.size()];
        float[] data = input.data();
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (int) data[i];
        }
        long[] shape = input.shape();
        if (layer.conv() != null) {
            observeConv(layer, levels, shape, samples, counter);
        } else {
            observeGemm(layer, levels, shape, samples, counter);
        }
    }

    private static void observeGemm(QuantizedLayer layer, int[] levels, long[] shape, int samples, Counter counter) {
        int k = layer.k();
        int rows = levels.length / k;
        int rowsPerSample = Math.max(1, rows / (int) Math.max(1, shape[0]));
        int[] row = new int[k];
        int usedRows = Math.min(rows, rowsPerSample * samples);
        for (int r = 0; r < usedRows; r++) {
            for (int i = 0; i < k; i++) {
                row[i] = layer.transA() ? levels[i * rows + r] : levels[r * k + i];
            }
            for (int c = 0; c < layer.channels(); c++) {
                counter.add(layer, row, 0, c);
            }
        }
    }

    private static void observeConv(QuantizedLayer layer, int[] levels, long[] shape, int samples, Counter counter) {
        QuantizedLayer.ConvGeometry g = layer.conv();
        if (shape.length != 4) {
            throw new InvalidInputException("Conv '" + layer.node() + "' reads a tensor of rank " + shape.length
                    + "; the saturation analysis handles 2-D convolutions (NCHW)");
        }
        int channelsIn = (int) shape[1];
        int h = (int) shape[2];
        int w = (int) shape[3];
        int cg = channelsIn / g.group();
        int outPerGroup = layer.channels() / g.group();
        int effH = g.dilationH() * (g.kernelH() - 1) + 1;
        int effW = g.dilationW() * (g.kernelW() - 1) + 1;
        int padTop = g.padTop();
        int padLeft = g.padLeft();
        int outH;
        int outW;
        if (g.autoPad().startsWith("SAME")) {
            outH = (h + g.strideH() - 1) / g.strideH();
            outW = (w + g.strideW() - 1) / g.strideW();
            int totalH = Math.max(0, (outH - 1) * g.strideH() + effH - h);
            int totalW = Math.max(0, (outW - 1) * g.strideW() + effW - w);
            padTop = g.autoPad().equals("SAME_UPPER") ? totalH / 2 : totalH - totalH / 2;
            padLeft = g.autoPad().equals("SAME_UPPER") ? totalW / 2 : totalW - totalW / 2;
        } else {
            int pb = g.autoPad().equals("VALID") ? 0 : g.padBottom();
            int pr = g.autoPad().equals("VALID") ? 0 : g.padRight();
            if (g.autoPad().equals("VALID")) {
                padTop = 0;
                padLeft = 0;
            }
            outH = (h + padTop + pb - effH) / g.strideH() + 1;
            outW = (w + padLeft + pr - effW) / g.strideW() + 1;
        }
        int k = layer.k();
        int[] row = new int[k];
        for (int n = 0; n < samples; n++) {
            for (int grp = 0; grp < g.group(); grp++) {
                for (int oy = 0; oy < outH; oy++) {
                    for (int ox = 0; ox < outW; ox++) {
                        for (int ky = 0; ky < g.kernelH(); ky++) {
                            int iy = oy * g.strideH() - padTop + ky * g.dilationH();
                            for (int kx = 0; kx < g.kernelW(); kx++) {
                                int ix = ox * g.strideW() - padLeft + kx * g.dilationW();
                                boolean inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                                int base = (ky * g.kernelW() + kx) * cg;
                                for (int c = 0; c < cg; c++) {
                                    row[base + c] = inside
                                            ? levels[((n * channelsIn + grp * cg + c) * h + iy) * w + ix]
                                            : layer.inputZeroPoint();
                                }
                            }
                        }
                        for (int o = grp * outPerGroup; o < (grp + 1) * outPerGroup; o++) {
                            counter.add(layer, row, 0, o);
                        }
                    }
                }
            }
        }
    }

    /** Running totals of one layer's emulated outputs. */
    static final class Counter {
        /** The layer's weights as ints, as {@link PairedInt16Dot} takes them. */
        private final int[] weights;
        private final long[] weightSums;
        private long pairs;
        private long saturatedPairs;
        private long outputs;
        private long affected;
        private double absoluteError;
        private double magnitude;

        Counter(QuantizedLayer layer) {
            weights = new int[layer.weights().length];
            for (int i = 0; i < weights.length; i++) {
                weights[i] = layer.weights()[i];
            }
            weightSums = new long[layer.channels()];
            for (int c = 0; c < layer.channels(); c++) {
                for (int i = 0; i < layer.k(); i++) {
                    weightSums[c] += weights[c * layer.k() + i];
                }
            }
        }

        /** Adds output {@code channel} for the uint8 levels {@code row[offset..offset + K)}. */
        void add(QuantizedLayer layer, int[] row, int offset, int channel) {
            PairedInt16Dot.Dot dot = PairedInt16Dot.avx2(row, offset, weights, channel * layer.k(), layer.k());
            outputs++;
            pairs += dot.pairs();
            long exact = dot.value();
            if (dot.saturated() > 0) {
                exact = PairedInt16Dot.exact(row, offset, weights, channel * layer.k(), layer.k());
                saturatedPairs += dot.saturated();
                affected++;
                absoluteError += Math.abs(dot.value() - exact);
            }
            // The layer's integer output subtracts the input zero point: sum((a - zp) * w).
            magnitude += Math.abs(exact - (long) layer.inputZeroPoint() * weightSums[channel]);
        }

        LayerSaturation.Observed result() {
            return new LayerSaturation.Observed(pairs, saturatedPairs, outputs, affected,
                    magnitude == 0 ? 0 : absoluteError / magnitude);
        }
    }
}
