package org.quant4j.sensitivity;

import ai.onnx.proto.OnnxMl.TensorProto;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.evaluate.EvaluationRequest;
import org.quant4j.api.evaluate.Evaluator;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.evaluate.FidelityRequest;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.evaluate.Predictions;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.api.stats.PercentileBootstrap;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.ModelInputs;
import org.quant4j.onnx.graph.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores model variants against the float model on prefixes of the seeded order: the float
 * model's per-sample correctness is computed once; a variant grows its prefix from the first
 * stage, doubling, until its interval is clear of the tolerance.
 */
public final class VariantScoring {

    private static final Logger LOG = LoggerFactory.getLogger(VariantScoring.class);

    private final SensitivityRequest request;
    private final Path reference;
    private final Dataset ordered;
    private final int threads;
    private final boolean[] floatCorrect;
    private final double baseline;
    private final Duration floatPassTime;
    private final Optional<PassTime> floatPassSplit;
    /** The float model's first output, the one the agreement and noise metrics compare. */
    private final String firstOutput;

    /**
     * Computes the float model's per-sample correctness once (top-1).
     *
     * @param request   the metric, tolerance, backend, batch size, threads and bootstrap
     * @param reference the float model
     * @param ordered   the evaluation data in its seeded order ({@link SensitivityAnalysis#seededOrder})
     */
    public VariantScoring(SensitivityRequest request, Path reference, Dataset ordered) {
        this.request = request;
        this.reference = reference;
        this.ordered = ordered;
        // Non-float outputs are not compared (the evaluator skips them): the first float32 one is.
        this.firstOutput = ModelInputs.outputs(reference).stream()
                .filter(o -> o.elementType() == 0 || o.elementType() == TensorProto.DataType.FLOAT_VALUE)
                .findFirst().map(TensorInfo::name).orElseThrow(() -> new InvalidInputException("Model " + reference
                        + " has no float32 output to compare"));
        this.threads = request.threads() == 0 ? 0 : Math.max(1, request.threads() / request.parallelVariants());
        if (request.resolvedMetric() == SensitivityRequest.Metric.TOP1) {
            long start = System.nanoTime();
            PassClock clock = new PassClock(ProgressListener.NONE);
            floatCorrect = correct(reference, 0, ordered.size(), request.threads(), clock);
            floatPassTime = Duration.ofNanos(System.nanoTime() - start);
            floatPassSplit = clock.stop(request.batchSize());
            floatPassSplit.ifPresent(t -> LOG.info("FP32 pass over {} samples: {} ms, {} ms fixed + {} ms a batch"
                    + " of {}", t.samples(), floatPassTime.toMillis(), t.fixed().toMillis(), millis(t.perBatch()),
                    t.batchSize()));
            int hits = 0;
            for (boolean c : floatCorrect) {
                hits += c ? 1 : 0;
            }
            baseline = (double) hits / floatCorrect.length;
        } else {
            floatCorrect = null;
            baseline = request.resolvedMetric() == SensitivityRequest.Metric.NOISE ? 0 : 1;
            floatPassTime = Duration.ZERO;
            floatPassSplit = Optional.empty();
        }
    }

    /** The float model's metric on the data (1 for agreement, 0 for noise). */
    public double baseline() {
        return baseline;
    }

    /** Time of the float model's pass over every sample (zero without one). */
    public Duration floatPassTime() {
        return floatPassTime;
    }

    /** {@link #floatPassTime()} split into its fixed and per-batch cost; empty without a float pass. */
    public Optional<PassTime> floatPassSplit() {
        return floatPassSplit;
    }

    /** Milliseconds with two decimals, for logs of short batches. */
    static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }

    /**
     * The drop of {@code model} against the float model, from the first {@code firstStage}
     * samples of the order, doubling until the interval is clear of the tolerance.
     *
     * @param model      the variant
     * @param firstStage samples of the first stage; the data's size for one stage over all of it
     * @return the drop, its interval and verdict
     */
    public VariantScore score(Path model, int firstStage) {
        int n = Math.min(firstStage, ordered.size());
        boolean top1 = floatCorrect != null;
        List<boolean[]> parts = new ArrayList<>();
        int evaluated = 0;
        while (true) {
            ConfidenceInterval drop;
            if (top1) {
                parts.add(correct(model, evaluated, n, threads, ProgressListener.NONE));
                evaluated = n;
                drop = top1Drop(parts, n);
            } else {
                drop = againstFloat(model, n);
            }
            VariantScore.Verdict verdict = VariantScore.verdict(drop, request.tolerance());
            if (verdict != VariantScore.Verdict.UNDECIDED || n == ordered.size()) {
                return new VariantScore(drop, n, verdict);
            }
            n = (int) Math.min(2L * n, ordered.size());
        }
    }

    private ConfidenceInterval top1Drop(List<boolean[]> parts, int n) {
        double[] diff = new double[n];
        int i = 0;
        for (boolean[] part : parts) {
            for (boolean c : part) {
                diff[i] = (floatCorrect[i] ? 1 : 0) - (c ? 1 : 0);
                i++;
            }
        }
        return request.bootstrap().interval(n, PercentileBootstrap.mean(diff));
    }

    private boolean[] correct(Path model, int from, int to, int threads, ProgressListener listener) {
        int[] indices = new int[to - from];
        for (int i = 0; i < indices.length; i++) {
            indices[i] = from + i;
        }
        Predictions p;
        try (Evaluator evaluator = Evaluators.get(request.backend())) {
            p = evaluator.evaluate(EvaluationRequest.builder().model(model).data(Subset.of(ordered, indices))
                    .batchSize(request.batchSize()).topK(1).threads(threads).listener(listener).build()).predictions();
        }
        boolean[] correct = new boolean[p.size()];
        for (int i = 0; i < correct.length; i++) {
            correct[i] = p.top1(i) == p.label(i);
        }
        return correct;
    }

    /** The agreement or noise drop against the float model on the first {@code n} samples. */
    private ConfidenceInterval againstFloat(Path model, int n) {
        int[] indices = new int[n];
        for (int i = 0; i < n; i++) {
            indices[i] = i;
        }
        FidelityResult r;
        try (Evaluator evaluator = Evaluators.get(request.backend())) {
            r = evaluator.fidelity(FidelityRequest.builder().model(model).reference(reference).output(firstOutput)
                    .data(Subset.of(ordered, indices)).batchSize(request.batchSize()).threads(threads)
                    .bootstrapResamples(request.bootstrapResamples()).confidenceLevel(request.confidenceLevel())
                    .seed(request.seed()).build());
        }
        OutputFidelity first = r.outputs().get(0);
        if (request.resolvedMetric() == SensitivityRequest.Metric.NOISE) {
            ConfidenceInterval sqnr = first.sqnrDb();
            return new ConfidenceInterval(noise(sqnr.estimate()), noise(sqnr.upper()), noise(sqnr.lower()),
                    sqnr.level());
        }
        ConfidenceInterval agreement = first.argmaxAgreement().orElseThrow(() -> new InvalidInputException(
                "The first output '" + first.name() + "' has no axis besides the batch, so the agreement of its"
                        + " argmax cannot be measured: give labelled data, or use the noise metric"));
        return new ConfidenceInterval(1 - agreement.estimate(), 1 - agreement.upper(), 1 - agreement.lower(),
                agreement.level());
    }

    /** {@code 10^(-dB/10)}: the noise energy over the signal energy. */
    private static double noise(double db) {
        return Math.pow(10, -db / 10);
    }
}
