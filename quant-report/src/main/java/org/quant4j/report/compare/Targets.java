package org.quant4j.report.compare;

import static org.quant4j.report.compare.ReportNumbers.bytes;
import static org.quant4j.report.compare.ReportNumbers.percent;
import static org.quant4j.report.compare.ReportNumbers.percentNumber;
import static org.quant4j.report.compare.ReportNumbers.rate;
import static org.quant4j.report.compare.ReportNumbers.ratio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.DoubleFunction;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantizationMode;
import org.quant4j.report.compare.TargetCheck.Kind;
import org.quant4j.report.compare.TargetCheck.Status;

/**
 * Acceptance targets for static INT8 quantization, each optional. They are checked on one method:
 * the static INT8 row with a calibrator and per-channel weights that has the highest top-1
 * accuracy (ties to the name that sorts first), or the most accurate static INT8 row with a
 * calibrator when no row is per-channel. Defaults: top-1 loss at most 1 percentage point,
 * throughput at batch 32 at least 2x the reference, model file at least 3.5x smaller. On data
 * without labels "most accurate" means most faithful to the reference
 * ({@link ComparisonReport#faithfulness}) and the top-1 target is not checked.
 */
public final class Targets {

    private final Double maxTop1Drop;
    private final Double minThroughputSpeedup;
    private final Double minSizeReduction;

    private Targets(Builder b) {
        this.maxTop1Drop = b.maxTop1Drop;
        this.minThroughputSpeedup = b.minThroughputSpeedup;
        this.minSizeReduction = b.minSizeReduction;
    }

    /** Top-1 loss at most 0.01, throughput at least 2x, file at least 3.5x smaller. */
    public static Targets defaults() {
        return builder().maxTop1Drop(0.01).minThroughputSpeedup(2.0).minSizeReduction(3.5).build();
    }

    /** No targets at all. */
    public static Targets none() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Largest allowed top-1 loss against the reference, as a fraction. */
    public OptionalDouble maxTop1Drop() {
        return optional(maxTop1Drop);
    }

    /** Smallest allowed throughput ratio to the reference at batch 32. */
    public OptionalDouble minThroughputSpeedup() {
        return optional(minThroughputSpeedup);
    }

    /** Smallest allowed ratio of the reference's file size to this model's. */
    public OptionalDouble minSizeReduction() {
        return optional(minSizeReduction);
    }

    private static OptionalDouble optional(Double value) {
        return value == null ? OptionalDouble.empty() : OptionalDouble.of(value);
    }

    /** Checks every set target on the method described in the class comment. */
    public List<TargetCheck> check(ComparisonReport report) {
        List<TargetCheck> checks = new ArrayList<>();
        Optional<MethodResult> subject = subject(report);
        String referenceName = report.reference().name();
        if (maxTop1Drop != null) {
            String target = "top-1 loss versus '" + referenceName + "' at most "
                    + percentNumber(maxTop1Drop) + " pp";
            checks.add(!report.labelled() ? new TargetCheck(Kind.TOP1_DROP, target, subject.map(MethodResult::name),
                    OptionalDouble.empty(), maxTop1Drop, Status.NOT_MEASURED,
                    "Not checked: the data has no labels, so top-1 was not measured.")
                    : subject.map(m -> checkDrop(report, m, target))
                            .orElseGet(() -> noSubject(Kind.TOP1_DROP, target, maxTop1Drop)));
        }
        if (minThroughputSpeedup != null) {
            String target = "throughput at batch 32 at least " + ratio(minThroughputSpeedup) + " '" + referenceName + "'";
            checks.add(subject.map(m -> checkSpeedup(report, m, target))
                    .orElseGet(() -> noSubject(Kind.THROUGHPUT_SPEEDUP, target, minThroughputSpeedup)));
        }
        if (minSizeReduction != null) {
            String target = "model file at least " + ratio(minSizeReduction) + " smaller than '" + referenceName + "'";
            checks.add(subject.map(m -> checkSize(report, m, target))
                    .orElseGet(() -> noSubject(Kind.SIZE_REDUCTION, target, minSizeReduction)));
        }
        return List.copyOf(checks);
    }

    /** The method the targets are checked on, if the comparison has a calibrated static INT8 row. */
    public static Optional<MethodResult> subject(ComparisonReport report) {
        Comparator<MethodResult> mostAccurate = Comparator
                .comparingDouble((MethodResult m) -> -report.faithfulness(m))
                .thenComparing(MethodResult::name);
        List<MethodResult> calibrated = report.candidates().stream()
                .filter(m -> m.mode().orElse(null) == QuantizationMode.STATIC && m.calibration().isPresent())
                .toList();
        Optional<MethodResult> perChannel = calibrated.stream().filter(MethodResult::perChannel).min(mostAccurate);
        return perChannel.isPresent() ? perChannel : calibrated.stream().min(mostAccurate);
    }

    private static String describe(MethodResult m) {
        return "'" + m.name() + "' (the " + (m.hasAccuracy() ? "most accurate" : "most faithful") + " static INT8 " + (m.perChannel() ? "per-channel " : "")
                + "method with a calibrator)";
    }

    private TargetCheck checkDrop(ComparisonReport report, MethodResult m, String target) {
        double drop = -report.top1Change(m).estimate();
        String refName = report.reference().name();
        String accuracies = " (top-1 " + percent(m.accuracy().top1().estimate()) + " versus "
                + percent(report.reference().accuracy().top1().estimate()) + ")";
        boolean met = drop <= maxTop1Drop + 1e-12;
        String statement = (met ? "Met: " : "MISSED: ") + describe(m) + " loses " + percentNumber(drop) + " pp top-1 against '"
                + refName + "'" + accuracies + "; the target is at most " + percentNumber(maxTop1Drop) + " pp.";
        return new TargetCheck(Kind.TOP1_DROP, target, Optional.of(m.name()), OptionalDouble.of(drop), maxTop1Drop,
                met ? Status.MET : Status.MISSED, statement);
    }

    private TargetCheck checkSpeedup(ComparisonReport report, MethodResult m, String target) {
        String ref = "'" + report.reference().name() + "'";
        return atLeast(Kind.THROUGHPUT_SPEEDUP, target, m, report.throughputSpeedup(m), minThroughputSpeedup,
                "the throughput at batch 32 of " + describe(m) + " or of " + ref + " was not measured.",
                s -> describe(m) + " reaches " + ratio(s) + " the throughput of " + ref + " at batch 32 ("
                        + rate(m.throughputBatch32PerSecond().get().median()) + " versus "
                        + rate(report.reference().throughputBatch32PerSecond().get().median()) + " samples/s, medians)");
    }

    private TargetCheck checkSize(ComparisonReport report, MethodResult m, String target) {
        String ref = "'" + report.reference().name() + "'";
        return atLeast(Kind.SIZE_REDUCTION, target, m, report.sizeReduction(m), minSizeReduction,
                "the model file size of " + describe(m) + " or of " + ref + " was not recorded.",
                r -> "the model file of " + describe(m) + " is " + ratio(r) + " smaller than that of " + ref + " ("
                        + bytes(m.modelFileBytes().getAsLong()) + " versus "
                        + bytes(report.reference().modelFileBytes().getAsLong()) + ")");
    }

    /** A ratio target: met when {@code measured >= required}; {@code finding} words the measured value. */
    private static TargetCheck atLeast(Kind kind, String target, MethodResult m, OptionalDouble measured, double required,
                                       String whyNotMeasured, DoubleFunction<String> finding) {
        if (measured.isEmpty()) {
            return new TargetCheck(kind, target, Optional.of(m.name()), OptionalDouble.empty(), required,
                    Status.NOT_MEASURED, "Not checked: " + whyNotMeasured);
        }
        double value = measured.getAsDouble();
        boolean met = value >= required;
        return new TargetCheck(kind, target, Optional.of(m.name()), measured, required, met ? Status.MET : Status.MISSED,
                (met ? "Met: " : "MISSED: ") + finding.apply(value) + "; the target is at least " + ratio(required) + ".");
    }

    private static TargetCheck noSubject(Kind kind, String target, double required) {
        return new TargetCheck(kind, target, Optional.empty(), OptionalDouble.empty(), required, Status.NOT_MEASURED,
                "Not checked: the comparison has no static INT8 method with a calibrator.");
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Targets t && Objects.equals(maxTop1Drop, t.maxTop1Drop)
                && Objects.equals(minThroughputSpeedup, t.minThroughputSpeedup)
                && Objects.equals(minSizeReduction, t.minSizeReduction);
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxTop1Drop, minThroughputSpeedup, minSizeReduction);
    }

    @Override
    public String toString() {
        return "Targets[maxTop1Drop=" + maxTop1Drop + ", minThroughputSpeedup=" + minThroughputSpeedup
                + ", minSizeReduction=" + minSizeReduction + "]";
    }

    /** Builder of {@link Targets}; a target left unset is not checked. */
    public static final class Builder {
        private Double maxTop1Drop;
        private Double minThroughputSpeedup;
        private Double minSizeReduction;

        private Builder() {
        }

        /** Largest allowed top-1 loss as a fraction, e.g. 0.01 for one percentage point. */
        public Builder maxTop1Drop(double fraction) {
            if (!(fraction >= 0 && fraction < 1)) {
                throw new InvalidInputException("Top-1 loss target must be a fraction in [0, 1), got " + fraction
                        + "; use 0.01 for one percentage point");
            }
            this.maxTop1Drop = fraction;
            return this;
        }

        /** Smallest allowed throughput ratio at batch 32, e.g. 2.0. */
        public Builder minThroughputSpeedup(double ratio) {
            this.minThroughputSpeedup = positive(ratio, "Throughput speedup");
            return this;
        }

        /** Smallest allowed file size ratio, e.g. 3.5. */
        public Builder minSizeReduction(double ratio) {
            this.minSizeReduction = positive(ratio, "Size reduction");
            return this;
        }

        private static double positive(double ratio, String what) {
            if (!(ratio > 0) || Double.isInfinite(ratio)) {
                throw new InvalidInputException(what + " target must be a finite ratio > 0, got " + ratio);
            }
            return ratio;
        }

        public Targets build() {
            return new Targets(this);
        }
    }
}
