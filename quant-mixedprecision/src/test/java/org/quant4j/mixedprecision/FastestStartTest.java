package org.quant4j.mixedprecision;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * A search returns the fastest on the wall clock of its own pick and the within-budget models it
 * started from ({@link MixedPrecision#keepFastestStart}): plain INT8 for every search, and the earlier
 * searches' picks for the evolutionary one; a model over the budget is never returned in their place.
 */
class FastestStartTest {

    private static final double BUDGET = 0.005;
    private static final List<String> LAYERS = List.of("a", "b", "c");

    private static Evaluated model(Assignment a, double drop) {
        return new Evaluated(a, ConfidenceInterval.exactly(drop, 0.95), 100, 1, 1);
    }

    private static SearchOutcome outcome(SearchMethod m, Evaluated chosen) {
        return new SearchOutcome(m, chosen, chosen.within(BUDGET), 1, List.of(chosen), "tried", Duration.ZERO);
    }

    @Test
    void aPickSlowerThanWhatItStartedFromIsReplacedAndAFasterOneKept() {
        Evaluated fp32 = model(Assignment.uniform(LAYERS, LayerChoice.FLOAT), 0);
        Evaluated int8 = model(Assignment.uniform(LAYERS, LayerChoice.INT8_PER_CHANNEL), 0.004);
        Evaluated greedy = model(int8.assignment().with("a", LayerChoice.FLOAT), 0.002);
        Evaluated dp = model(int8.assignment().with("b", LayerChoice.INT8_PER_TENSOR), 0.003);
        Evaluated evolutionary = model(Assignment.uniform(LAYERS, LayerChoice.FLOAT).with("c",
                LayerChoice.INT8_PER_CHANNEL), 0.001);
        List<Evaluated> chosen = new ArrayList<>(List.of(fp32, int8, greedy, dp, evolutionary));
        List<SearchOutcome> outcomes = new ArrayList<>(List.of(outcome(SearchMethod.GREEDY, greedy),
                outcome(SearchMethod.DP, dp), outcome(SearchMethod.EVOLUTIONARY, evolutionary)));
        List<String> names = List.of("fp32", "int8", "greedy", "dp", "evolutionary");
        List<String> keys = chosen.stream().map(e -> e.assignment().key()).toList();
        // Wall clock: greedy's pick slower than INT8, dp's faster, evolutionary's slower than dp's.
        double[] millis = {5.0, 4.0, 4.6, 3.5, 4.9};

        MixedPrecision.keepFastestStart(BUDGET, names, chosen, outcomes, keys, millis);

        assertSame(int8, outcomes.get(0).chosen(), "greedy returns plain INT8");
        assertTrue(outcomes.get(0).tried().contains("returns the int8 model"), outcomes.get(0).tried());
        assertSame(dp, outcomes.get(1).chosen(), "dp keeps its faster pick");
        assertEquals("tried", outcomes.get(1).tried());
        assertSame(dp, outcomes.get(2).chosen(), "evolutionary returns dp's pick, its fastest seed");
        assertSame(dp, chosen.get(4));
    }

    @Test
    void aModelOverTheBudgetIsNeverReturnedInstead() {
        Evaluated fp32 = model(Assignment.uniform(LAYERS, LayerChoice.FLOAT), 0);
        Evaluated int8 = model(Assignment.uniform(LAYERS, LayerChoice.INT8_PER_CHANNEL), 0.02);
        Evaluated greedy = model(int8.assignment().with("a", LayerChoice.FLOAT), 0.004);
        List<Evaluated> chosen = new ArrayList<>(List.of(fp32, int8, greedy));
        List<SearchOutcome> outcomes = new ArrayList<>(List.of(outcome(SearchMethod.GREEDY, greedy)));
        List<String> keys = chosen.stream().map(e -> e.assignment().key()).toList();

        MixedPrecision.keepFastestStart(BUDGET, List.of("fp32", "int8", "greedy"), chosen, outcomes, keys,
                new double[] {5.0, 3.0, 4.5});

        assertSame(greedy, outcomes.get(0).chosen(), "INT8 is faster but over the budget");
        assertFalse(outcomes.get(0).tried().contains("returns"), outcomes.get(0).tried());
    }
}
