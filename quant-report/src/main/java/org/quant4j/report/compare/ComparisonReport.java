package org.quant4j.report.compare;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.Provenance;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.stats.McNemarTest;
import org.quant4j.report.stats.PairedComparison;
import org.quant4j.report.stats.StatisticsOptions;
import org.quant4j.sensitivity.SensitivityFiles;
import org.quant4j.sensitivity.SensitivityResult;

/**
 * A comparison of quantization methods on one model and one dataset: one
 * {@link MethodResult} per method, the first being the unquantized reference, with the
 * {@link Recommendations} and {@link TargetCheck}s derived from their numbers. Immutable; build
 * with {@link #builder()}. Ratios against the reference (speedup, size reduction, accuracy change)
 * are computed here, once, for every consumer.
 *
 * <p>On labelled data every row holds accuracy statistics and a method qualifies when its top-1
 * change stays above {@code -accuracyTolerance}. On data without labels ({@link #labelled()} false)
 * every method row holds its {@link ReferenceFidelity} instead, and a method qualifies by the
 * fidelity of its primary output ({@link #criterion()}): the lower bound of its argmax agreement
 * at least {@code 1 - accuracyTolerance} when that output has an argmax axis of more than one
 * value, else the lower bound of its SQNR at least {@link #minSqnrDb()}.
 */
public final class ComparisonReport {

    /** Default largest tolerated top-1 loss (a fraction: 0.01 = 1 percentage point). */
    public static final double DEFAULT_TOLERANCE = 0.01;
    /** Default significance level of McNemar warnings. */
    public static final double DEFAULT_SIGNIFICANCE = 0.05;
    /** Default lowest SQNR (dB) of a qualifying method on unlabelled data whose output has no argmax. */
    public static final double DEFAULT_MIN_SQNR_DB = 30;

    private final String title;
    private final String model;
    private final String dataset;
    private final StatisticsOptions statistics;
    private final List<MethodResult> methods;
    private final double accuracyTolerance;
    private final double significanceLevel;
    private final double minSqnrDb;
    private final Targets targets;
    private final List<String> measurementNotes;
    private final Provenance provenance;
    private final CpuDescription cpu;
    private final Recommendations recommendations;
    private final List<TargetCheck> targetChecks;
    private final SensitivityResult sensitivity;
    private final List<MethodPairTest> pairedTests;

    private ComparisonReport(Builder b) {
        this.title = b.title;
        this.model = b.model;
        this.dataset = b.dataset;
        this.statistics = b.statistics;
        List<MethodResult> all = new ArrayList<>();
        all.add(b.reference);
        all.addAll(b.methods);
        this.methods = Collections.unmodifiableList(all);
        this.accuracyTolerance = b.accuracyTolerance;
        this.significanceLevel = b.significanceLevel;
        this.minSqnrDb = b.minSqnrDb;
        this.targets = b.targets;
        this.measurementNotes = List.copyOf(b.measurementNotes);
        this.provenance = b.provenance;
        this.cpu = b.cpu;
        this.sensitivity = b.sensitivity;
        this.pairedTests = List.copyOf(b.pairedTests);
        // Derived last, from the fully initialised report.
        this.recommendations = Recommendations.derive(this);
        this.targetChecks = targets.check(this);
    }

    public static Builder builder() {
        return new Builder();
    }

    public String title() {
        return title;
    }

    /** The model compared, e.g. its file name. */
    public String model() {
        return model;
    }

    /** The data the methods were measured on. */
    public String dataset() {
        return dataset;
    }

    /** The settings the accuracy statistics were computed with. */
    public StatisticsOptions statistics() {
        return statistics;
    }

    /** Every row, the reference first, then the methods in the order they were added. */
    public List<MethodResult> methods() {
        return methods;
    }

    /** The unquantized reference row. */
    public MethodResult reference() {
        return methods.get(0);
    }

    /** Every row except the reference. */
    public List<MethodResult> candidates() {
        return methods.subList(1, methods.size());
    }

    public MethodResult method(String name) {
        for (MethodResult m : methods) {
            if (m.name().equals(name)) {
                return m;
            }
        }
        throw new InvalidInputException("No method named '" + name + "' in this comparison; it has "
                + methods.stream().map(MethodResult::name).toList());
    }

    public boolean isReference(MethodResult m) {
        return m == reference();
    }

    /** Whether the data had labels: rows hold accuracy statistics, else fidelity to the reference. */
    public boolean labelled() {
        return reference().hasAccuracy();
    }

    /** Class names, from the reference's statistics; empty on data without labels. */
    public List<String> classNames() {
        return labelled() ? reference().accuracy().classification().classNames() : List.of();
    }

    /** Samples every row was evaluated on. */
    public int sampleCount() {
        if (labelled()) {
            return reference().accuracy().classification().sampleCount();
        }
        return candidates().stream().flatMap(m -> m.fidelity().stream()).mapToInt(ReferenceFidelity::samples)
                .findFirst().orElse(0);
    }

    /** Lowest SQNR (dB) of a qualifying method on unlabelled data whose primary output has no argmax. */
    public double minSqnrDb() {
        return minSqnrDb;
    }

    /**
     * The rule a method qualifies by, in words: the top-1 change on labelled data; on data without
     * labels the fidelity rule of the class comment, for the primary output the rows share.
     */
    public String criterion() {
        String level = ReportNumbers.level(statistics.confidenceLevel());
        if (labelled()) {
            return "top-1 change versus '" + reference().name() + "' stays above "
                    + ReportNumbers.points(-accuracyTolerance) + " at " + level + " confidence";
        }
        Optional<ReferenceFidelity> any = candidates().stream().flatMap(m -> m.fidelity().stream()).findFirst();
        String output = any.map(f -> " of output '" + f.primary().name() + "'").orElse("");
        if (any.flatMap(ReferenceFidelity::argmaxAgreement).isPresent()) {
            return "argmax agreement" + output + " with '" + reference().name() + "' is at least "
                    + ReportNumbers.percentNumber(1 - accuracyTolerance) + "% at " + level
                    + " confidence (the data has no labels)";
        }
        return "SQNR" + output + " versus '" + reference().name() + "' is at least "
                + String.format(Locale.ROOT, "%.1f", minSqnrDb) + " dB at " + level
                + " confidence (the data has no labels)";
    }

    /**
     * How faithful {@code m} is by the rule of {@link #criterion()}, higher is better: top-1
     * accuracy, argmax agreement or SQNR in dB; the reference is the most faithful of all.
     */
    public double faithfulness(MethodResult m) {
        if (labelled()) {
            return m.accuracy().top1().estimate();
        }
        if (isReference(m)) {
            return Double.POSITIVE_INFINITY;
        }
        ReferenceFidelity f = m.fidelity().orElseThrow();
        return f.argmaxAgreement().map(ConfidenceInterval::estimate).orElse(f.primary().sqnrDb().estimate());
    }

    /** Largest tolerated top-1 loss as a fraction, applied to the upper confidence bound of the loss. */
    public double accuracyTolerance() {
        return accuracyTolerance;
    }

    /** McNemar p-values below this are reported as significant differences. */
    public double significanceLevel() {
        return significanceLevel;
    }

    public Targets targets() {
        return targets;
    }

    /** How the measurements were made, e.g. "timings interleaved over 7 rounds, 2 threads". */
    public List<String> measurementNotes() {
        return measurementNotes;
    }

    public Provenance provenance() {
        return provenance;
    }

    /**
     * The CPU the methods were measured on, as recorded when they were; empty for a comparison
     * that did not record it (e.g. a {@code results.json} written before quant4j recorded the CPU).
     */
    public Optional<CpuDescription> cpu() {
        return Optional.ofNullable(cpu);
    }

    public Recommendations recommendations() {
        return recommendations;
    }

    /** The per-layer sensitivity of the model to INT8, when it was analysed alongside the comparison. */
    public Optional<SensitivityResult> sensitivity() {
        return Optional.ofNullable(sensitivity);
    }

    /** This report with {@code result} as its per-layer sensitivity (replacing any it had). */
    public ComparisonReport withSensitivity(SensitivityResult result) {
        Builder b = builder().title(title).model(model).dataset(dataset).statistics(statistics)
                .reference(reference()).methods(candidates()).accuracyTolerance(accuracyTolerance)
                .significanceLevel(significanceLevel).minSqnrDb(minSqnrDb).targets(targets).provenance(provenance)
                .sensitivity(result);
        measurementNotes.forEach(b::measurementNote);
        pairedTests.forEach(b::pairedTest);
        if (cpu != null) {
            b.cpu(cpu);
        }
        return b.build();
    }

    public List<TargetCheck> targetChecks() {
        return targetChecks;
    }

    /**
     * Top-1 accuracy of {@code m} minus that of the reference, with its paired interval; a
     * degenerate interval at 0 for the reference itself.
     */
    public ConfidenceInterval top1Change(MethodResult m) {
        return m.accuracy().versusReference().map(p -> p.difference())
                .orElseGet(() -> new ConfidenceInterval(0, 0, 0, statistics.confidenceLevel()));
    }

    /**
     * True when {@code m} qualifies by {@link #criterion()}: on labelled data when the interval of
     * the top-1 change lies above {@code -accuracyTolerance}.
     */
    public boolean withinTolerance(MethodResult m) {
        if (labelled()) {
            return top1Change(m).lower() >= -accuracyTolerance - 1e-12;
        }
        if (isReference(m)) {
            return true;
        }
        ReferenceFidelity f = m.fidelity().orElseThrow();
        Optional<ConfidenceInterval> agreement = f.argmaxAgreement();
        return agreement.isPresent() ? agreement.get().lower() >= 1 - accuracyTolerance - 1e-12
                : f.primary().sqnrDb().lower() >= minSqnrDb;
    }

    /** Median throughput at batch 32 over the reference's; empty if either was not measured. */
    public OptionalDouble throughputSpeedup(MethodResult m) {
        if (m.throughputBatch32PerSecond().isEmpty() || reference().throughputBatch32PerSecond().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(m.throughputBatch32PerSecond().get().median()
                / reference().throughputBatch32PerSecond().get().median());
    }

    /** Reference median latency at batch 1 over this one's (above 1 = faster); empty if not measured. */
    public OptionalDouble latencySpeedup(MethodResult m) {
        if (m.latencyBatch1Millis().isEmpty() || reference().latencyBatch1Millis().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of(reference().latencyBatch1Millis().get().median()
                / m.latencyBatch1Millis().get().median());
    }

    /** Reference model file size over this one's (above 1 = smaller); empty if either is unknown. */
    public OptionalDouble sizeReduction(MethodResult m) {
        if (m.modelFileBytes().isEmpty() || reference().modelFileBytes().isEmpty()) {
            return OptionalDouble.empty();
        }
        return OptionalDouble.of((double) reference().modelFileBytes().getAsLong() / m.modelFileBytes().getAsLong());
    }

    /** McNemar's tests between pairs of quantized methods, as given (each pair once). */
    public List<MethodPairTest> pairedTests() {
        return pairedTests;
    }

    /**
     * McNemar's test between {@code a} and {@code b}, oriented so that {@code b()} counts the samples
     * only {@code a} got right: from {@link org.quant4j.report.stats.AccuracyStatistics#versusReference()}
     * when one of them is the reference, else from {@link #pairedTests()}; empty on data without
     * labels or when the pair was not tested.
     */
    public Optional<McNemarTest> pairedTest(MethodResult a, MethodResult b) {
        if (!labelled() || a.name().equals(b.name())) {
            return Optional.empty();
        }
        if (isReference(a)) {
            return b.accuracy().versusReference().map(PairedComparison::mcnemar);
        }
        if (isReference(b)) {
            return a.accuracy().versusReference().map(p -> new McNemarTest(p.mcnemar().c(), p.mcnemar().b(),
                    p.mcnemar().pValue()));
        }
        for (MethodPairTest t : pairedTests) {
            if (t.first().equals(a.name()) && t.second().equals(b.name())) {
                return Optional.of(t.test());
            }
            if (t.first().equals(b.name()) && t.second().equals(a.name())) {
                return Optional.of(t.reversed().test());
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ComparisonReport r && title.equals(r.title) && model.equals(r.model)
                && pairedTests.equals(r.pairedTests)
                && dataset.equals(r.dataset) && statistics.equals(r.statistics) && methods.equals(r.methods)
                && accuracyTolerance == r.accuracyTolerance && significanceLevel == r.significanceLevel
                && minSqnrDb == r.minSqnrDb
                && targets.equals(r.targets) && measurementNotes.equals(r.measurementNotes)
                && provenance.equals(r.provenance) && Objects.equals(cpu, r.cpu)
                // SensitivityResult holds arrays; its document compares by value, as it is stored.
                && Objects.equals(sensitivity().map(SensitivityFiles::document),
                        r.sensitivity().map(SensitivityFiles::document));
    }

    @Override
    public int hashCode() {
        return Objects.hash(title, model, dataset, methods);
    }

    @Override
    public String toString() {
        return "ComparisonReport[" + model + " on " + dataset + ", " + methods.size() + " methods]";
    }

    /** Builder of {@link ComparisonReport}; model, dataset, statistics and reference are required. */
    public static final class Builder {
        private String title = "Quantization comparison";
        private String model;
        private String dataset;
        private StatisticsOptions statistics;
        private MethodResult reference;
        private final List<MethodResult> methods = new ArrayList<>();
        private double accuracyTolerance = DEFAULT_TOLERANCE;
        private double significanceLevel = DEFAULT_SIGNIFICANCE;
        private double minSqnrDb = DEFAULT_MIN_SQNR_DB;
        private Targets targets = Targets.defaults();
        private final List<String> measurementNotes = new ArrayList<>();
        private Provenance provenance = Provenance.builder().build();
        private CpuDescription cpu;
        private SensitivityResult sensitivity;
        private final List<MethodPairTest> pairedTests = new ArrayList<>();

        private Builder() {
        }

        public Builder title(String title) {
            this.title = Objects.requireNonNull(title, "title");
            return this;
        }

        public Builder model(String model) {
            this.model = model;
            return this;
        }

        public Builder dataset(String dataset) {
            this.dataset = dataset;
            return this;
        }

        /** The options the rows' accuracy statistics were computed with. */
        public Builder statistics(StatisticsOptions statistics) {
            this.statistics = statistics;
            return this;
        }

        /** The unquantized model every other row is compared with. */
        public Builder reference(MethodResult reference) {
            this.reference = reference;
            return this;
        }

        public Builder method(MethodResult method) {
            methods.add(Objects.requireNonNull(method, "method"));
            return this;
        }

        public Builder methods(List<MethodResult> methods) {
            methods.forEach(this::method);
            return this;
        }

        /** Largest tolerated top-1 loss as a fraction (default 0.01 = 1 percentage point). */
        public Builder accuracyTolerance(double tolerance) {
            this.accuracyTolerance = tolerance;
            return this;
        }

        public Builder significanceLevel(double alpha) {
            this.significanceLevel = alpha;
            return this;
        }

        /** Lowest SQNR (dB) of a qualifying method on unlabelled data whose output has no argmax (default 30). */
        public Builder minSqnrDb(double db) {
            this.minSqnrDb = db;
            return this;
        }

        public Builder targets(Targets targets) {
            this.targets = Objects.requireNonNull(targets, "targets");
            return this;
        }

        public Builder measurementNote(String note) {
            measurementNotes.add(Objects.requireNonNull(note, "note"));
            return this;
        }

        public Builder provenance(Provenance provenance) {
            this.provenance = Objects.requireNonNull(provenance, "provenance");
            return this;
        }

        /** The CPU the methods were measured on, e.g. {@code CpuDescription.of(CpuFeatures.host())}. */
        public Builder cpu(CpuDescription cpu) {
            this.cpu = Objects.requireNonNull(cpu, "cpu");
            return this;
        }

        /** The model's per-layer sensitivity to INT8, shown as a section of the report. */
        public Builder sensitivity(SensitivityResult sensitivity) {
            this.sensitivity = Objects.requireNonNull(sensitivity, "sensitivity");
            return this;
        }

        /**
         * McNemar's test between two quantized methods on the same labelled samples
         * ({@code McNemarTest.compare(first, second)}), used to break speed ties.
         */
        public Builder pairedTest(MethodPairTest test) {
            pairedTests.add(Objects.requireNonNull(test, "test"));
            return this;
        }

        public ComparisonReport build() {
            requireText(model, "model", "the model file name");
            requireText(dataset, "dataset", "e.g. \"Fashion-MNIST test set\"");
            if (statistics == null) {
                throw new InvalidInputException("The comparison needs the StatisticsOptions its accuracy statistics "
                        + "were computed with: pass them to statistics(...)");
            }
            if (reference == null) {
                throw new InvalidInputException("The comparison needs a reference (the FP32 model): pass it to reference(...)");
            }
            if (!Double.isFinite(minSqnrDb)) {
                throw new InvalidInputException("The lowest SQNR must be a finite number of dB, got " + minSqnrDb);
            }
            if (!reference.hasAccuracy()) {
                checkUnlabelled();
            } else if (reference.accuracy().versusReference().isPresent()) {
                throw new InvalidInputException("Reference '" + reference.name() + "' carries a comparison with another "
                        + "reference: compute its statistics with AccuracyStatistics.ofReference(...)");
            }
            if (!(accuracyTolerance >= 0 && accuracyTolerance < 1)) {
                throw new InvalidInputException("Accuracy tolerance must be a fraction in [0, 1), got "
                        + accuracyTolerance + "; use 0.01 for one percentage point");
            }
            if (!(significanceLevel > 0 && significanceLevel < 1)) {
                throw new InvalidInputException("Significance level must be in (0, 1), got " + significanceLevel);
            }
            Set<String> names = new HashSet<>();
            names.add(reference.name());
            for (MethodResult m : methods) {
                if (!names.add(m.name())) {
                    throw new InvalidInputException("Two methods are named '" + m.name() + "': give each a unique name");
                }
            }
            checkPairedTests(names);
            if (!reference.hasAccuracy()) {
                return new ComparisonReport(this);
            }
            var referenceStats = reference.accuracy().classification();
            for (MethodResult m : methods) {
                if (!m.hasAccuracy()) {
                    throw new InvalidInputException("Method '" + m.name() + "' has no accuracy statistics but the"
                            + " reference has: compute them with AccuracyStatistics.of(...) and pass them to"
                            + " accuracy(...)");
                }
                if (m.accuracy().versusReference().isEmpty()) {
                    throw new InvalidInputException("Method '" + m.name() + "' has no comparison with the reference: "
                            + "compute its statistics with AccuracyStatistics.of(candidate, reference, ...)");
                }
                var stats = m.accuracy().classification();
                if (stats.sampleCount() != referenceStats.sampleCount()
                        || !stats.classNames().equals(referenceStats.classNames())) {
                    throw new InvalidInputException("Method '" + m.name() + "' was evaluated on " + stats.sampleCount()
                            + " samples of " + stats.classCount() + " classes, the reference on "
                            + referenceStats.sampleCount() + " samples of " + referenceStats.classCount()
                            + ": evaluate every method on the same data with the same class names");
                }
            }
            return new ComparisonReport(this);
        }

        private void checkPairedTests(Set<String> names) {
            if (!pairedTests.isEmpty() && !reference.hasAccuracy()) {
                throw new InvalidInputException("Paired McNemar tests between methods need labelled data, but the"
                        + " reference '" + reference.name() + "' has no accuracy statistics: leave them out");
            }
            Set<Set<String>> pairs = new HashSet<>();
            for (MethodPairTest t : pairedTests) {
                for (String name : List.of(t.first(), t.second())) {
                    if (!names.contains(name) || name.equals(reference.name())) {
                        throw new InvalidInputException("Paired test between '" + t.first() + "' and '" + t.second()
                                + "': '" + name + "' is not a quantized method of this comparison (the reference's"
                                + " tests are in each method's versusReference); the methods are " + names);
                    }
                }
                if (!pairs.add(Set.of(t.first(), t.second()))) {
                    throw new InvalidInputException("Two paired tests between '" + t.first() + "' and '" + t.second()
                            + "': give each pair once");
                }
            }
        }

        /** On data without labels: the reference holds nothing, every method its fidelity on the same samples. */
        private void checkUnlabelled() {
            if (reference.fidelity().isPresent()) {
                throw new InvalidInputException("Reference '" + reference.name() + "' carries fidelity to another"
                        + " reference: the reference row of a comparison without labels holds no statistics");
            }
            Integer samples = null;
            for (MethodResult m : methods) {
                if (m.fidelity().isEmpty()) {
                    throw new InvalidInputException("Method '" + m.name() + "' has no fidelity to the reference, whose"
                            + " row has no accuracy statistics (data without labels): on such data give each method"
                            + " its fidelity, MethodResult.Builder.fidelity(...)");
                }
                int n = m.fidelity().get().samples();
                if (samples != null && n != samples) {
                    throw new InvalidInputException("Method '" + m.name() + "' was compared on " + n + " samples, others"
                            + " on " + samples + ": compare every method on the same data");
                }
                samples = n;
            }
        }

        private static void requireText(String value, String what, String hint) {
            if (value == null || value.isBlank()) {
                throw new InvalidInputException("The comparison needs a " + what + ": " + hint);
            }
        }
    }
}
