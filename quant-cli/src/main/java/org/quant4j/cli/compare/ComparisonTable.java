package org.quant4j.cli.compare;

import java.io.PrintWriter;
import java.util.OptionalDouble;
import org.quant4j.cli.console.TextTable;
import org.quant4j.report.compare.ComparisonReport;
import org.quant4j.report.compare.MethodResult;
import org.quant4j.report.compare.Recommendation;
import org.quant4j.report.compare.ReferenceFidelity;
import org.quant4j.report.compare.ReportNumbers;

/** The compact console summary of a comparison: one row per method, then the recommendation. */
public final class ComparisonTable {

    private static final String DASH = "-";

    private ComparisonTable() {
    }

    /** Prints the table of {@code report} and its deployment recommendation, if any. */
    public static void print(ComparisonReport report, PrintWriter out) {
        if (!report.labelled()) {
            printFidelity(report, out);
            return;
        }
        String level = ReportNumbers.level(report.statistics().confidenceLevel());
        TextTable table = TextTable.withHeader("method", "top-1 %", "change pp (" + level + " CI)", "size", "latency b1 ms",
                "throughput b32 /s", "speedup", "NaN/inf");
        for (MethodResult m : report.methods()) {
            String change = m.accuracy().versusReference()
                    .map(p -> ReportNumbers.signedPoints(p.difference().estimate()) + " ("
                            + ReportNumbers.signedPoints(p.difference().lower()) + " to "
                            + ReportNumbers.signedPoints(p.difference().upper()) + ")")
                    .orElse(DASH);
            table.row(m.name(),
                    ReportNumbers.percentNumber(m.accuracy().top1().estimate()),
                    change,
                    m.modelFileBytes().isPresent() ? ReportNumbers.bytes(m.modelFileBytes().getAsLong()) : DASH,
                    m.latencyBatch1Millis().map(t -> ReportNumbers.millis(t.median())).orElse(DASH),
                    m.throughputBatch32PerSecond().map(t -> ReportNumbers.rate(t.median())).orElse(DASH),
                    ratio(report.throughputSpeedup(m)),
                    Integer.toString(m.accuracy().classification().nonFinite()));
        }
        table.print(out);
        if (report.methods().stream().anyMatch(m -> m.accuracy().classification().nonFinite() > 0)) {
            out.println("NaN/inf: test samples whose class scores held NaN or infinity; they have no prediction and"
                    + " count as wrong in top-1.");
        }
        printAdvice(report, out);
    }

    /** On data without labels: each method's fidelity to the reference (primary output) with size and speed. */
    private static void printFidelity(ComparisonReport report, PrintWriter out) {
        String level = ReportNumbers.level(report.statistics().confidenceLevel());
        TextTable table = TextTable.withHeader("method", "SQNR dB (" + level + " CI)",
                "argmax agreement % (" + level + " CI)", "size", "latency b1 ms", "throughput b32 /s", "speedup");
        for (MethodResult m : report.methods()) {
            String sqnr = m.fidelity().map(f -> f.primary().sqnrDb())
                    .map(ci -> ReportNumbers.decibelNumber(ci.estimate()) + " (" + ReportNumbers.decibelNumber(ci.lower())
                            + " to " + ReportNumbers.decibelNumber(ci.upper()) + ")")
                    .orElse(DASH);
            String agreement = m.fidelity().flatMap(ReferenceFidelity::argmaxAgreement)
                    .map(ci -> ReportNumbers.percentNumber(ci.estimate()) + " (" + ReportNumbers.percentNumber(ci.lower())
                            + " to " + ReportNumbers.percentNumber(ci.upper()) + ")")
                    .orElse(DASH);
            table.row(m.name(), sqnr, agreement,
                    m.modelFileBytes().isPresent() ? ReportNumbers.bytes(m.modelFileBytes().getAsLong()) : DASH,
                    m.latencyBatch1Millis().map(t -> ReportNumbers.millis(t.median())).orElse(DASH),
                    m.throughputBatch32PerSecond().map(t -> ReportNumbers.rate(t.median())).orElse(DASH),
                    ratio(report.throughputSpeedup(m)));
        }
        table.print(out);
        out.println("The data has no labels: each method is compared with '" + report.reference().name()
                + "' on the same samples; a method qualifies when its " + report.criterion() + ".");
        printAdvice(report, out);
    }

    private static void printAdvice(ComparisonReport report, PrintWriter out) {
        report.recommendations().deploy().map(Recommendation::text).ifPresent(text -> out.println(text));
        if (!report.labelled()) {
            report.recommendations().all().stream().filter(r -> r.kind() == Recommendation.Kind.NONE_WITHIN_TOLERANCE)
                    .forEach(r -> out.println(r.text()));
        }
        report.targetChecks().stream().filter(t -> t.missed()).forEach(t -> out.println(t.statement()));
    }

    private static String ratio(OptionalDouble value) {
        return value.isPresent() ? ReportNumbers.ratio(value.getAsDouble()) : DASH;
    }
}
