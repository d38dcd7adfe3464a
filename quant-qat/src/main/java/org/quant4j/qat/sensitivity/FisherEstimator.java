package org.quant4j.qat.sensitivity;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.quant4j.api.ModelException;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.quantize.QdqLayout;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.qat.simulate.FakeQuant;
import org.quant4j.qat.simulate.QatGraph;
import org.quant4j.qat.simulate.RangeMode;
import org.quant4j.qat.train.FiniteGradients;
import org.quant4j.qat.train.TorchRuntime;
import org.quant4j.sensitivity.gradient.GradientEstimate;
import org.quant4j.sensitivity.gradient.GradientEstimator;
import org.quant4j.sensitivity.gradient.GradientObjective;
import org.quant4j.sensitivity.gradient.GradientRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Fisher-information estimate of each layer's sensitivity to INT8 weight quantization (FIT,
 * Zandonati et al. 2022, "FIT: A Metric for Model Sensitivity", arXiv:2210.08502; the Fisher as the
 * Hessian's stand-in as in BRECQ, Li et al. 2021): quantizing weight {@code w} adds noise {@code e}
 * of variance {@code delta_c^2 / 12} per output channel {@code c} (uniform rounding noise,
 * {@code delta_c} the channel's scale under the config's per-channel or per-tensor symmetric scheme,
 * as {@link FakeQuant#weightScale} computes it); to second order the loss rises on average by
 * {@code 1/2 sum_i H_ii delta_c(i)^2 / 12}, the gradient term vanishing in expectation. The Hessian
 * diagonal is replaced by the Fisher diagonal {@code E[(dL/dw_i)^2]}, one backward pass per sample
 * through the float {@link QatGraph} (fake quantization off), so the estimate is
 * {@code 1/2 sum_i E[(dL/dw_i)^2] delta_c(i)^2 / 12} per layer.
 *
 * <p>The loss follows the request's objective: cross-entropy against the labels (the empirical
 * Fisher); the negative log-likelihood of a label drawn from the float model's softmax (the true
 * Fisher, equal to the Hessian of the KL divergence from the float output at the float weights,
 * where its gradient is zero); or, for half the squared error of the output, {@code v'y} for a
 * random sign vector {@code v}, whose squared gradient is on average the diagonal of the
 * Gauss-Newton matrix {@code J'J} (Hutchinson's identity {@code E[v v'] = I}).
 *
 * <p>A Fisher diagonal is cheaper and steadier than a Hutchinson trace of the Hessian (HAWQ-V2,
 * Dong et al. 2020), which needs Hessian-vector products (double backward) and many probes per
 * layer; it is positive by construction. Only weight noise is estimated: activation quantizers and
 * layers without a weight (Add, Mul) get no value. Models with ops {@link QatGraph} does not
 * simulate, or with several inputs or outputs, get the reason instead of a number.
 */
final class FisherEstimator implements GradientEstimator {

    private static final Logger LOG = LoggerFactory.getLogger(FisherEstimator.class);

    /** Passes over one sample before a non-finite gradient stops the estimate. */
    private static final int MAX_ATTEMPTS = 3;

    @Override
    public GradientEstimate estimate(GradientRequest request) {
        long start = System.nanoTime();
        // Planned as the static quantizer plans it: an error here is the analysis's own, not the simulation's.
        QdqLayout layout = StaticQdqQuantizer.layout(Graph.of(request.model()),
                QuantizationContext.calibratedBy(request.config(), request.calibration()));
        try {
            Map<String, Double> values = fisher(request, layout);
            return new GradientEstimate(FisherEstimatorProvider.NAME, request.objective(), request.data().size(),
                    values, Optional.empty(), Duration.ofNanos(System.nanoTime() - start));
        } catch (ModelException e) {
            return GradientEstimate.unsupported(FisherEstimatorProvider.NAME, request.objective(),
                    "the DJL simulation cannot run this model: " + e.getMessage(),
                    Duration.ofNanos(System.nanoTime() - start));
        }
    }

    private static Map<String, Double> fisher(GradientRequest request, QdqLayout layout) {
        Map<String, QdqLayout.WeightSite> sites = new LinkedHashMap<>();
        for (String layer : request.layers()) {
            QdqLayout.WeightSite site = layout.weights().get(layer);
            if (site != null) {
                sites.put(layer, site);
            }
        }
        int threads = request.threads() > 0 ? request.threads() : Runtime.getRuntime().availableProcessors();
        Engine engine = TorchRuntime.engine(threads);
        Dataset data = request.data();
        try (NDManager manager = engine.newBaseManager()) {
            QatGraph block = new QatGraph(request.model(), layout, RangeMode.MOVING_AVERAGE, 0.01, manager);
            block.setFakeQuantization(false);
            Map<String, NDArray> sums = new LinkedHashMap<>();
            for (QdqLayout.WeightSite site : sites.values()) {
                NDArray w = block.initializerParameter(site.weight()).getArray();
                w.setRequiresGradient(true);
                sums.putIfAbsent(site.weight(), manager.zeros(w.getShape(), DataType.FLOAT32));
            }
            int[] sampleShape = data.sampleShape();
            long[] shape = new long[sampleShape.length + 1];
            shape[0] = 1;
            for (int d = 0; d < sampleShape.length; d++) {
                shape[d + 1] = sampleShape[d];
            }
            float[] buffer = new float[data.sampleElements()];
            SplittableRandom random = new SplittableRandom(request.seed());
            for (int i = 0; i < data.size(); i++) {
                data.read(i, buffer, 0);
                // One seed per sample, so that a recomputed pass draws what the first attempt drew.
                long sampleSeed = random.nextLong();
                try (NDManager scope = manager.newSubManager()) {
                    NDArray x = scope.create(buffer, new Shape(shape));
                    for (int attempt = 1;; attempt++) {
                        try (GradientCollector collector = engine.newGradientCollector()) {
                            NDArray y = block.forward(new ParameterStore(scope, false), new NDList(x), false)
                                    .singletonOrThrow();
                            collector.backward(loss(y, request.objective(), data, i, new SplittableRandom(sampleSeed),
                                    scope));
                        }
                        if (FiniteGradients.allFinite(block, scope)) {
                            break;
                        }
                        FiniteGradients.discard(block);
                        if (attempt == MAX_ATTEMPTS) {
                            throw new ModelException("The gradient of sample " + i + " is not finite in "
                                    + MAX_ATTEMPTS + " attempts: the model's outputs overflow for this input;"
                                    + " check the scale of the data, or run without a gradient estimate"
                                    + " (no --gradient option)");
                        }
                        LOG.warn("Non-finite gradient for sample {}: discarded and computed again (attempt {} of {})",
                                i, attempt + 1, MAX_ATTEMPTS);
                    }
                    for (Map.Entry<String, NDArray> e : sums.entrySet()) {
                        try (NDArray g = block.initializerParameter(e.getKey()).getArray().getGradient();
                                NDArray squared = g.square()) {
                            e.getValue().addi(squared);
                        }
                    }
                    // Gradients accumulate across backward passes: clear them for the next sample.
                    FiniteGradients.discard(block);
                }
            }
            Map<String, Double> out = new LinkedHashMap<>();
            for (Map.Entry<String, QdqLayout.WeightSite> e : sites.entrySet()) {
                QdqLayout.WeightSite site = e.getValue();
                NDArray w = block.initializerParameter(site.weight()).getArray();
                try (NDManager scope = manager.newSubManager()) {
                    NDArray scale = FakeQuant.weightScale(QatGraph.local(w, scope), site.axis(), site.scheme(),
                            site.pairLimit());
                    NDArray fisher = QatGraph.local(sums.get(site.weight()), scope).div(data.size());
                    double noise = fisher.mul(scale.square()).sum().toType(DataType.FLOAT64, false).getDouble();
                    out.put(e.getKey(), 0.5 * noise / 12);
                }
            }
            LOG.debug("Fisher estimate ({}) of {} weights on {} samples: {}", request.objective(), out.size(),
                    data.size(), out);
            return out;
        }
    }

    /** The per-sample loss whose squared gradient is the Fisher (or Gauss-Newton) diagonal. */
    private static NDArray loss(NDArray y, GradientObjective objective, Dataset data, int index,
            SplittableRandom random, NDManager scope) {
        NDArray flat = y.reshape(-1);
        return switch (objective) {
            case CROSS_ENTROPY -> flat.logSoftmax(0).get(data.label(index)).neg();
            case KL_TO_FLOAT -> {
                float[] p = flat.stopGradient().softmax(0).toFloatArray();
                yield flat.logSoftmax(0).get(sample(p, random)).neg();
            }
            case MSE_TO_FLOAT -> {
                float[] signs = new float[(int) flat.size()];
                for (int k = 0; k < signs.length; k++) {
                    signs[k] = random.nextBoolean() ? 1f : -1f;
                }
                yield flat.mul(scope.create(signs)).sum();
            }
        };
    }

    /** A class drawn from the distribution {@code p}. */
    private static int sample(float[] p, SplittableRandom random) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int k = 0; k < p.length; k++) {
            cumulative += p[k];
            if (u < cumulative) {
                return k;
            }
        }
        return p.length - 1;
    }

    @Override
    public void close() {
        // Every native array lives in the manager of one estimate and is closed with it.
    }
}
