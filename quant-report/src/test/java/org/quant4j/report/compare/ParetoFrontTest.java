package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.report.Fixtures;

class ParetoFrontTest {

    /** A method's speedup and accuracy, made by hand. */
    private record Point(String name, double speedup, double accuracy) {
    }

    private static List<String> front(Point... points) {
        return ParetoFront.of(List.of(points), Point::speedup, Point::accuracy).stream().map(Point::name).toList();
    }

    @Test
    void keepsOnlyUndominatedPointsOrderedBySpeedup() {
        // fp32 is the most accurate, int8 the fastest, mixed lies between; "bad" is slower and less
        // accurate than mixed, "tie-slow" as accurate as int8 but slower.
        assertEquals(List.of("fp32", "mixed", "int8"), front(
                new Point("int8", 2.0, 0.80), new Point("bad", 1.4, 0.85), new Point("fp32", 1.0, 0.90),
                new Point("mixed", 1.5, 0.88), new Point("tie-slow", 1.8, 0.80)));
    }

    @Test
    void equalPointsAreBothOnTheFrontAndNaNTakesNoPart() {
        assertEquals(List.of("a", "b"), front(new Point("a", 1.5, 0.8), new Point("b", 1.5, 0.8),
                new Point("nan", Double.NaN, 0.99), new Point("worse", 1.2, 0.7)));
    }

    @Test
    void aPointBetterInBothDominatesEveryOther() {
        assertEquals(List.of("best"), front(new Point("x", 1.0, 0.5), new Point("best", 3.0, 0.9),
                new Point("y", 2.9, 0.89)));
    }

    @Test
    void onAComparisonEveryMethodOffTheFrontIsDominatedByOneOnIt() {
        ComparisonReport report = Fixtures.sampleComparison();
        List<MethodResult> front = ParetoFront.of(report);
        assertFalse(front.isEmpty());
        assertTrue(front.size() < report.methods().size(), "some of the 11 sample methods are dominated");
        // Every method off the front is dominated by one on it.
        for (MethodResult m : report.methods()) {
            if (front.contains(m)) {
                continue;
            }
            double s = report.throughputSpeedup(m).getAsDouble();
            assertTrue(front.stream().anyMatch(f -> report.throughputSpeedup(f).getAsDouble() >= s
                    && report.faithfulness(f) >= report.faithfulness(m)), m.name());
        }
        // The fastest method is on the front unless one as fast is more accurate.
        MethodResult fastest = report.methods().stream()
                .max(java.util.Comparator.comparingDouble(m -> report.throughputSpeedup(m).getAsDouble())).orElseThrow();
        assertTrue(front.contains(fastest), fastest.name());
    }
}
