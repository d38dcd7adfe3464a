package org.quant4j.report.compare;

import static org.quant4j.report.compare.ReportNumbers.bytes;
import static org.quant4j.report.compare.ReportNumbers.level;
import static org.quant4j.report.compare.ReportNumbers.percent;
import static org.quant4j.report.compare.ReportNumbers.points;
import static org.quant4j.report.compare.ReportNumbers.rate;
import static org.quant4j.report.compare.ReportNumbers.ratio;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.quant4j.api.stats.ConfidenceInterval;
import org.quant4j.report.stats.McNemarTest;
import org.quant4j.report.stats.PairedComparison;

/**
 * Recommendations derived from a comparison's numbers, never from knowledge about particular
 * methods:
 * <ul>
 *   <li>{@code DEPLOY}: among methods whose whole top-1 change interval lies above
 *       {@code -tolerance} (the reference always qualifies), the fastest at batch 32 <em>within
 *       measurement noise</em>, then the most accurate. Two speeds tie when each median lies inside
 *       the other's 10th-90th percentile range of timed runs: the methods tied in this way with the
 *       method of highest median throughput are all "fastest", because the timing cannot order them.
 *       (Ranges that merely overlap are not enough: on a loaded machine the range of FP32 touched that
 *       of an INT8 model with 2.6 times its median.) Among
 *       those, a method that McNemar's exact test (on the same samples, below the significance
 *       level) finds less accurate than another tied one is never chosen; of the rest, the highest
 *       top-1 wins, then the higher median throughput, then the name that sorts first. The text says
 *       which methods tied and with which ranges, and the paired test that decided. A tied pair
 *       without a recorded paired test (a results file written before they were) is decided by top-1
 *       alone, and the text says so.</li>
 *   <li>{@code SMALLEST}: among the same methods, the smallest model file.</li>
 *   <li>{@code NONE_WITHIN_TOLERANCE}: no quantized method qualifies; names the most accurate.</li>
 *   <li>{@code NOT_RANKED}: a qualifying method without a throughput measurement.</li>
 *   <li>{@code SIGNIFICANT_DIFFERENCE}: McNemar's exact p below the significance level.</li>
 * </ul>
 * On data without labels the same rules rank the methods by their fidelity to the reference
 * instead of top-1 ({@link ComparisonReport#criterion()}, quoted in every text), and there is no
 * McNemar test: among speed ties the most faithful ({@link ComparisonReport#faithfulness}) wins.
 */
public final class Recommendations {

    private final List<Recommendation> all;

    private Recommendations(List<Recommendation> all) {
        this.all = List.copyOf(all);
    }

    /** Derives the recommendations of {@code report}. */
    static Recommendations derive(ComparisonReport report) {
        if (!report.labelled()) {
            return deriveByFidelity(report);
        }
        List<Recommendation> out = new ArrayList<>();
        MethodResult reference = report.reference();
        List<MethodResult> within = report.methods().stream().filter(report::withinTolerance).toList();
        String bound = points(-report.accuracyTolerance());
        String confidence = level(report.statistics().confidenceLevel());

        Comparator<MethodResult> byName = Comparator.comparing(MethodResult::name);
        SpeedChoice.of(report, within).ifPresent(c -> out.add(new Recommendation(Recommendation.Kind.DEPLOY,
                Optional.of(c.chosen().name()), deployText(report, c, bound, confidence) + c.noiseText())));
        notRanked(within, "is within tolerance", out);

        smallest(within).ifPresent(m -> out.add(new Recommendation(Recommendation.Kind.SMALLEST, Optional.of(m.name()),
                smallestText(report, m, bound, confidence))));

        List<MethodResult> candidates = report.candidates();
        if (!candidates.isEmpty() && candidates.stream().noneMatch(report::withinTolerance)) {
            MethodResult best = candidates.stream()
                    .min(Comparator.comparingDouble((MethodResult m) -> -m.accuracy().top1().estimate())
                            .thenComparing(byName))
                    .orElseThrow();
            ConfidenceInterval change = report.top1Change(best);
            out.add(new Recommendation(Recommendation.Kind.NONE_WITHIN_TOLERANCE, Optional.of(best.name()),
                    "No quantized method keeps its top-1 change versus '" + reference.name() + "' above " + bound
                            + " at " + confidence + " confidence. The most accurate is '" + best.name() + "': top-1 "
                            + percent(best.accuracy().top1().estimate()) + " versus "
                            + percent(reference.accuracy().top1().estimate()) + ", change " + changeText(change) + "."));
        }

        for (MethodResult m : candidates) {
            PairedComparison paired = m.accuracy().versusReference().orElseThrow();
            McNemarTest test = paired.mcnemar();
            if (test.pValue() < report.significanceLevel()) {
                out.add(new Recommendation(Recommendation.Kind.SIGNIFICANT_DIFFERENCE, Optional.of(m.name()),
                        "'" + m.name() + "' classifies significantly differently from '" + reference.name()
                                + "' (McNemar exact " + ReportNumbers.pEquals(test.pValue()) + ", below "
                                + report.significanceLevel() + "): " + test.b() + " samples only '" + reference.name()
                                + "' got right, " + test.c() + " only '" + m.name() + "'; top-1 change "
                                + points(paired.difference().estimate()) + "."));
            }
        }
        out.sort(Comparator.comparing(Recommendation::kind));
        return new Recommendations(out);
    }

    /** The recommendations of a comparison on data without labels, by {@link ComparisonReport#criterion()}. */
    private static Recommendations deriveByFidelity(ComparisonReport report) {
        List<Recommendation> out = new ArrayList<>();
        MethodResult reference = report.reference();
        List<MethodResult> within = report.methods().stream().filter(report::withinTolerance).toList();
        String criterion = report.criterion();
        Comparator<MethodResult> byName = Comparator.comparing(MethodResult::name);
        SpeedChoice.of(report, within).ifPresent(c -> {
            MethodResult m = c.chosen();
            double throughput = m.throughputBatch32PerSecond().get().median();
            StringBuilder text = new StringBuilder(report.isReference(m) ? "Keep '" : "Deploy '")
                    .append(m.name()).append("': ").append(c.speedWords()).append(" (")
                    .append(rate(throughput)).append(" samples/s");
            if (!report.isReference(m)) {
                report.throughputSpeedup(m).ifPresent(x -> text.append(", ").append(ratio(x)).append(" '")
                        .append(reference.name()).append("'"));
            }
            text.append(") among the methods whose ").append(criterion);
            m.fidelity().ifPresent(f -> text.append(" (").append(fidelityText(f)).append(")"));
            if (m.modelFileBytes().isPresent()) {
                text.append("; model file ").append(bytes(m.modelFileBytes().getAsLong()));
                if (!report.isReference(m)) {
                    report.sizeReduction(m).ifPresent(r -> text.append(", ").append(ratio(r)).append(" smaller"));
                }
            }
            out.add(new Recommendation(Recommendation.Kind.DEPLOY, Optional.of(m.name()),
                    text.append('.').append(c.noiseText()).toString()));
        });
        notRanked(within, "qualifies", out);
        smallest(within).ifPresent(m -> out.add(new Recommendation(Recommendation.Kind.SMALLEST, Optional.of(m.name()),
                "Smallest model whose " + criterion + ": '" + m.name() + "', " + bytes(m.modelFileBytes().getAsLong())
                        + m.fidelity().map(f -> " (" + fidelityText(f) + ")").orElse(" itself") + ".")));
        List<MethodResult> candidates = report.candidates();
        if (!candidates.isEmpty() && candidates.stream().noneMatch(report::withinTolerance)) {
            MethodResult best = candidates.stream()
                    .min(Comparator.comparingDouble((MethodResult m) -> -report.faithfulness(m)).thenComparing(byName))
                    .orElseThrow();
            out.add(new Recommendation(Recommendation.Kind.NONE_WITHIN_TOLERANCE, Optional.of(best.name()),
                    "No quantized method has its " + criterion + ". The most faithful is '" + best.name() + "': "
                            + fidelityText(best.fidelity().orElseThrow()) + "."));
        }
        out.sort(Comparator.comparing(Recommendation::kind));
        return new Recommendations(out);
    }

    /**
     * The deployment choice among the qualifying methods with a measured throughput: the method of
     * highest median ({@code leader}), the methods whose speed ties with its speed ({@code tied}, the
     * leader first; see {@link #tie}), and the one chosen among them.
     */
    record SpeedChoice(ComparisonReport report, MethodResult leader, List<MethodResult> tied, MethodResult chosen,
            List<MethodResult> measured) {

        static Optional<SpeedChoice> of(ComparisonReport report, List<MethodResult> within) {
            List<MethodResult> measured = within.stream().filter(m -> m.throughputBatch32PerSecond().isPresent())
                    .sorted(Comparator.comparingDouble((MethodResult m) -> -throughput(m).median())
                            .thenComparing(MethodResult::name))
                    .toList();
            if (measured.isEmpty()) {
                return Optional.empty();
            }
            MethodResult leader = measured.get(0);
            List<MethodResult> tied = measured.stream().filter(m -> tie(throughput(m), throughput(leader)))
                    .toList();
            List<MethodResult> eligible = tied.stream()
                    .filter(m -> tied.stream().noneMatch(o -> significantlyBetter(report, o, m))).toList();
            Comparator<MethodResult> preferred = report.labelled()
                    ? Comparator.comparingDouble((MethodResult m) -> -m.accuracy().top1().estimate())
                    : Comparator.comparingDouble((MethodResult m) -> -report.faithfulness(m));
            MethodResult chosen = (eligible.isEmpty() ? tied : eligible).stream()
                    .min(preferred.thenComparingDouble((MethodResult m) -> -throughput(m).median())
                            .thenComparing(MethodResult::name))
                    .orElseThrow();
            return Optional.of(new SpeedChoice(report, leader, tied, chosen, measured));
        }

        /**
         * Whether the timing cannot order two methods: each median lies inside the other's 10th-90th
         * percentile range.
         */
        static boolean tie(TimingSummary a, TimingSummary b) {
            return within(a.median(), b) && within(b.median(), a);
        }

        private static boolean within(double value, TimingSummary range) {
            return range.p10() <= value && value <= range.p90();
        }

        /** Whether McNemar's test finds {@code a} more accurate than {@code b}, below the significance level. */
        static boolean significantlyBetter(ComparisonReport report, MethodResult a, MethodResult b) {
            return report.pairedTest(a, b).filter(t -> t.b() > t.c() && t.pValue() < report.significanceLevel())
                    .isPresent();
        }

        private static TimingSummary throughput(MethodResult m) {
            return m.throughputBatch32PerSecond().orElseThrow();
        }

        /** e.g. "'A' (median 4,657, 10th-90th percentile 3,600 to 5,600 samples/s)". */
        private static String range(MethodResult m) {
            TimingSummary t = throughput(m);
            return "'" + m.name() + "' (median " + rate(t.median()) + ", 10th-90th percentile " + rate(t.p10()) + " to "
                    + rate(t.p90()) + " samples/s)";
        }

        /** How the chosen method ranks for speed, e.g. "the highest median throughput at batch 32". */
        String speedWords() {
            return chosen == leader ? "the highest median throughput at batch 32"
                    : "tied for the fastest at batch 32 within measurement noise, median";
        }

        /** The sentence that says how sure the speed ranking is and, within a tie, what decided. */
        String noiseText() {
            if (measured.size() == 1) {
                return "";
            }
            if (tied.size() == 1) {
                MethodResult next = measured.get(1);
                return " Fastest beyond measurement noise: the 10th-90th percentile range of its throughput at batch"
                        + " 32, " + range(chosen) + ", lies above that of the next fastest, " + range(next) + ".";
            }
            StringBuilder text = new StringBuilder(" Fastest within measurement noise: the throughputs at batch 32 of ");
            text.append(String.join(", ", tied.stream().map(SpeedChoice::range).toList()));
            text.append(" each have a median inside the fastest's 10th-90th percentile range and the fastest's"
                    + " median inside theirs, so their speeds count as tied");
            if (!report.labelled()) {
                return text.append("; '").append(chosen.name()).append("' is the most faithful of them (without"
                        + " labels there is no paired test).").toString();
            }
            text.append("; '").append(chosen.name()).append("' chosen for accuracy:");
            List<String> reasons = new ArrayList<>();
            for (MethodResult other : tied) {
                if (other == chosen) {
                    continue;
                }
                Optional<McNemarTest> test = report.pairedTest(chosen, other);
                String top1 = "top-1 " + percent(chosen.accuracy().top1().estimate()) + " versus "
                        + percent(other.accuracy().top1().estimate());
                if (test.isEmpty()) {
                    reasons.add(" " + top1 + " for '" + other.name() + "' (no paired test between the two was"
                            + " recorded)");
                } else if (test.get().pValue() < report.significanceLevel()) {
                    reasons.add(" '" + other.name() + "' is significantly less accurate (" + top1 + "; McNemar exact "
                            + ReportNumbers.pEquals(test.get().pValue()) + ": " + test.get().b() + " samples only '"
                            + chosen.name() + "' got right, " + test.get().c() + " only '" + other.name() + "')");
                } else {
                    reasons.add(" not significantly different from '" + other.name() + "' (" + top1 + "; McNemar"
                            + " exact " + ReportNumbers.pEquals(test.get().pValue()) + "), the higher top-1 decides");
                }
            }
            return text.append(String.join(";", reasons)).append('.').toString();
        }
    }

    /** The qualifying method with the smallest model file; ties go to the first name. */
    private static Optional<MethodResult> smallest(List<MethodResult> within) {
        return within.stream().filter(m -> m.modelFileBytes().isPresent())
                .min(Comparator.comparingLong((MethodResult m) -> m.modelFileBytes().getAsLong())
                        .thenComparing(MethodResult::name));
    }

    /** A NOT_RANKED note for each qualifying method without a throughput; {@code qualifies} words why it qualified. */
    private static void notRanked(List<MethodResult> within, String qualifies, List<Recommendation> out) {
        for (MethodResult m : within) {
            if (m.throughputBatch32PerSecond().isEmpty()) {
                out.add(new Recommendation(Recommendation.Kind.NOT_RANKED, Optional.of(m.name()), "'" + m.name()
                        + "' " + qualifies + " but was not ranked for speed: its throughput at batch 32 was not"
                        + " measured."));
            }
        }
    }

    /** e.g. "SQNR 31.2 dB (95% CI 30.8 to 31.6), argmax agreement 99.61% (95% CI 99.40 to 99.80)". */
    static String fidelityText(ReferenceFidelity f) {
        ConfidenceInterval sqnr = f.primary().sqnrDb();
        String text = "SQNR " + ReportNumbers.decibels(sqnr.estimate()) + " (" + level(sqnr.level()) + " CI "
                + ReportNumbers.decibels(sqnr.lower()) + " to " + ReportNumbers.decibels(sqnr.upper()) + ")";
        return text + f.argmaxAgreement().map(a -> ", argmax agreement " + percent(a.estimate()) + " ("
                + level(a.level()) + " CI " + ReportNumbers.percentNumber(a.lower()) + " to "
                + percent(a.upper()) + ")").orElse("");
    }

    private static String deployText(ComparisonReport report, SpeedChoice choice, String bound, String confidence) {
        MethodResult reference = report.reference();
        MethodResult m = choice.chosen();
        double throughput = m.throughputBatch32PerSecond().orElseThrow().median();
        if (report.isReference(m)) {
            return "Keep '" + m.name() + "': no method whose top-1 change stays above " + bound + " at " + confidence
                    + " confidence " + (choice.leader() == m ? "has a higher median throughput"
                            : "is faster beyond measurement noise") + " at batch 32 (" + rate(throughput)
                    + " samples/s).";
        }
        StringBuilder text = new StringBuilder("Deploy '").append(m.name())
                .append("': ").append(choice.speedWords()).append(" (").append(rate(throughput)).append(" samples/s");
        report.throughputSpeedup(m).ifPresent(s -> text.append(", ").append(ratio(s)).append(" '")
                .append(reference.name()).append("'"));
        text.append(") among the methods whose top-1 change versus '").append(reference.name())
                .append("' stays above ").append(bound).append(" at ").append(confidence).append(" confidence (top-1 ")
                .append(percent(m.accuracy().top1().estimate())).append(", change ")
                .append(changeText(report.top1Change(m))).append(")");
        if (m.modelFileBytes().isPresent()) {
            text.append("; model file ").append(bytes(m.modelFileBytes().getAsLong()));
            report.sizeReduction(m).ifPresent(r -> text.append(", ").append(ratio(r)).append(" smaller"));
        }
        return text.append('.').toString();
    }

    private static String smallestText(ComparisonReport report, MethodResult m, String bound, String confidence) {
        long size = m.modelFileBytes().getAsLong();
        if (report.isReference(m)) {
            return "Smallest model whose top-1 change stays above " + bound + " at " + confidence + " confidence: '"
                    + m.name() + "' itself (" + bytes(size) + "); no quantized model within tolerance is smaller.";
        }
        StringBuilder text = new StringBuilder("Smallest model whose top-1 change stays above ").append(bound)
                .append(" at ").append(confidence).append(" confidence: '").append(m.name()).append("', ")
                .append(bytes(size));
        report.sizeReduction(m).ifPresent(r -> text.append(" (").append(ratio(r)).append(" smaller than '")
                .append(report.reference().name()).append("')"));
        return text.append(", top-1 change ").append(changeText(report.top1Change(m))).append('.').toString();
    }

    /** e.g. "-0.31 pp (95% CI -0.62 to +0.01 pp)". */
    static String changeText(ConfidenceInterval change) {
        return points(change.estimate()) + " (" + level(change.level()) + " CI " + ReportNumbers.signedPoints(change.lower())
                + " to " + points(change.upper()) + ")";
    }

    /** All recommendations and warnings, in {@link Recommendation.Kind} order. */
    public List<Recommendation> all() {
        return all;
    }

    /** The deployment recommendation, if any method qualified and had its throughput measured. */
    public Optional<Recommendation> deploy() {
        return first(Recommendation.Kind.DEPLOY);
    }

    /** The smallest-model recommendation, if any qualifying method had its file size recorded. */
    public Optional<Recommendation> smallest() {
        return first(Recommendation.Kind.SMALLEST);
    }

    /** The warnings among {@link #all()}. */
    public List<Recommendation> warnings() {
        return all.stream().filter(Recommendation::isWarning).toList();
    }

    private Optional<Recommendation> first(Recommendation.Kind kind) {
        return all.stream().filter(r -> r.kind() == kind).findFirst();
    }
}
