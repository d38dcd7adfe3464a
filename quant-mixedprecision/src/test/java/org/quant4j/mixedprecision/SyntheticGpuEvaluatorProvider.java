package org.quant4j.mixedprecision;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;

import ai.onnx.proto.OnnxMl.TensorProto;
import org.quant4j.api.Precision;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.EvaluationResult;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.EvaluatorProvider;
import org.quant4j.api.evaluate.TimedSession;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.ops.OpTable;

/**
 * A test backend, {@value #NAME}, that stands in for a GPU backend with fast float16 kernels (there is
 * no GPU on the build machines): it "times" a model by a fixed cost read from its graph, so that a
 * search over INT8, float16 and float32 layers has a known optimum. Each weighted layer (Conv, Gemm,
 * MatMul) costs its weight's element count times 1 in INT8 (weight read through a
 * DequantizeLinear), 2 in float16 (float16 weight) and 4 in float32; each QuantizeLinear,
 * DequantizeLinear or Cast of an activation costs {@value #BOUNDARY} units. A unit is 10 ns.
 */
public class SyntheticGpuEvaluatorProvider implements EvaluatorProvider {

    static final String NAME = "synthetic-gpu";
    static final double BOUNDARY = 100;

    @Override
    public String name() {
        return NAME;
    }

    /** How much slower than its cost the evaluator's first timed model runs: 1 here, none. */
    double firstSlowdown() {
        return 1;
    }

    @Override
    public Evaluator create() {
        double slowdown = firstSlowdown();
        return new Evaluator() {
            private boolean timedOnce;

            @Override
            public String name() {
                return SyntheticGpuEvaluatorProvider.this.name();
            }

            @Override
            public Set<Precision> acceleratedPrecisions() {
                return Set.of(Precision.INT8, Precision.FP16);
            }

            @Override
            public EvaluationResult evaluate(EvaluationRequest request) {
                throw new UnsupportedOperationException("the synthetic backend only times models");
            }

            @Override
            public TimedSession openTimed(Path model, int threads) {
                Graph g = OnnxModel.read(model).graph();
                double millis = units(g) / 1e5 * (timedOnce ? 1 : slowdown);
                timedOnce = true;
                int[] shape = g.inputs().get(0).shape().map(s -> Arrays.stream(s).skip(1).mapToInt(Math::toIntExact)
                        .toArray()).orElseThrow();
                return new TimedSession() {
                    @Override
                    public int[] sampleShape() {
                        return shape.clone();
                    }

                    @Override
                    public double[] time(int batchSize, int warmup, int iterations) {
                        double[] ms = new double[iterations];
                        Arrays.fill(ms, millis);
                        return ms;
                    }

                    @Override
                    public void close() {
                    }
                };
            }

            @Override
            public void close() {
            }
        };
    }

    /** The model's cost in units, as the class describes. */
    static double units(Graph g) {
        double units = 0;
        for (Node n : g.nodes()) {
            if (n.is("QuantizeLinear") || n.is("DequantizeLinear") || n.is("Cast")) {
                units += g.isInitializer(n.input(0)) ? 0 : BOUNDARY;
                continue;
            }
            int w = OpTable.of(n).weightInput();
            if (w < 0 || w >= n.inputs().size()) {
                continue;
            }
            String weight = n.inputs().get(w);
            if (g.producer(weight).filter(p -> p.is("DequantizeLinear")).isPresent()) {
                String q = g.producer(weight).get().input(0);
                units += elements(g, q);
            } else if (g.initializer(weight).isPresent()) {
                TensorProto t = g.initializer(weight).get();
                units += elements(g, weight) * (t.getDataType() == TensorProto.DataType.FLOAT16_VALUE ? 2 : 4);
            }
        }
        return units;
    }

    private static long elements(Graph g, String initializer) {
        return g.initializer(initializer).map(t -> t.getDimsList().stream().reduce(1L, (a, b) -> a * b)).orElse(0L);
    }
}

