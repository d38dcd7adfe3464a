package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A multiple-choice knapsack, solved by dynamic programming: each layer takes one of its choices;
 * minimise the sum of the measured latency changes subject to the sum of the predicted drops (one-on
 * drops; float predicts 0) staying within the budget, a boundary two consecutive float layers share
 * counted once ({@link SharedBoundaries}), the drops counted in {@value #UNITS}ths of
 * the budget (rounded up, so the discrete solution never exceeds the continuous budget). The
 * predicted drops add up only approximately, so the solution is measured on the validation split;
 * while it misses, the knapsack is solved again with half the budget ({@value #RETRIES} times at
 * most, or until the solution stops changing), and the fastest measured model within budget, the
 * plain per-channel INT8 model included, is returned.
 */
final class KnapsackSearch {

    static final int UNITS = 400;
    static final int RETRIES = 4;

    private KnapsackSearch() {
    }

    static SearchOutcome run(SearchSpace space) {
        long start = System.nanoTime();
        int before = space.evaluator().built();
        List<Evaluated> tried = new ArrayList<>();
        List<String> budgets = new ArrayList<>();
        double budget = space.budget();
        tried.add(space.evaluator().onValidation(space.perChannel()));
        for (int attempt = 0; attempt <= RETRIES; attempt++) {
            Assignment a = solve(space.costs(), space.shared(), budget);
            if (attempt > 0 && a.equals(tried.get(tried.size() - 1).assignment())) {
                // The predicted drops are too coarse for a tighter budget to change the solution.
                break;
            }
            Evaluated e = space.evaluator().onValidation(a);
            tried.add(e);
            budgets.add(String.format(Locale.ROOT, "%.5f (%d float, %d float16; predicted %+.1f us, measured %+.1f us"
                    + " against INT8)", budget, a.count(LayerChoice.FLOAT), a.count(LayerChoice.FP16),
                    space.predictedLatency(a), e.latencyMicros() - tried.get(0).latencyMicros()));
            if (e.within(space.budget())) {
                break;
            }
            budget /= 2;
        }
        if (tried.stream().noneMatch(e -> e.within(space.budget()))) {
            tried.add(space.evaluator().onValidation(space.allFloat()));
        }
        Evaluated chosen = space.best(tried);
        return new SearchOutcome(SearchMethod.DP, chosen, chosen.within(space.budget()),
                space.evaluator().built() - before, AssignmentEvaluator.front(tried),
                "knapsack solved for predicted budgets " + budgets, Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * The assignment of least predicted latency whose predicted drop is within {@code budget}. A
     * boundary shared by two float layers that are consecutive in graph order is counted once (the
     * state carries the previous layer's choice); a shared boundary between layers further apart is
     * left out of the prediction, which the measurement of the solution then checks.
     */
    static Assignment solve(List<LayerCost> costs, List<SharedBoundaries.Shared> shared, double budget) {
        int n = costs.size();
        int k = LayerChoice.values().length;
        int floatChoice = LayerChoice.FLOAT.ordinal();
        double[] pair = new double[n];
        for (SharedBoundaries.Shared s : shared) {
            for (int i = 1; i < n; i++) {
                if (costs.get(i - 1).layer().equals(s.first()) && costs.get(i).layer().equals(s.second())) {
                    pair[i] += s.micros();
                }
            }
        }
        double unit = budget / UNITS;
        // best[u][p]: least predicted latency of the layers so far at u drop units, the last one choosing p.
        double[][] best = infinite(k);
        best[0][0] = 0;
        LayerChoice[][][] pick = new LayerChoice[n][UNITS + 1][k];
        int[][][] fromUnits = new int[n][UNITS + 1][k];
        int[][][] fromChoice = new int[n][UNITS + 1][k];
        for (int i = 0; i < n; i++) {
            LayerCost c = costs.get(i);
            double[][] next = infinite(k);
            for (int u = 0; u <= UNITS; u++) {
                for (int p = 0; p < k; p++) {
                    if (best[u][p] == Double.POSITIVE_INFINITY) {
                        continue;
                    }
                    for (LayerChoice ch : c.choices()) {
                        int w = units(c.drop(ch), unit);
                        int v = u + w;
                        if (w < 0 || v > UNITS) {
                            continue;
                        }
                        int q = ch.ordinal();
                        double t = best[u][p] + c.latency(ch)
                                + (i > 0 && p == floatChoice && q == floatChoice ? pair[i] : 0);
                        if (t < next[v][q]) {
                            next[v][q] = t;
                            pick[i][v][q] = ch;
                            fromUnits[i][v][q] = u;
                            fromChoice[i][v][q] = p;
                        }
                    }
                }
            }
            best = next;
        }
        int endUnits = 0;
        int endChoice = 0;
        for (int u = 0; u <= UNITS; u++) {
            for (int q = 0; q < k; q++) {
                if (best[u][q] < best[endUnits][endChoice]) {
                    endUnits = u;
                    endChoice = q;
                }
            }
        }
        LayerChoice[] choices = new LayerChoice[n];
        for (int i = n - 1; i >= 0; i--) {
            choices[i] = pick[i][endUnits][endChoice];
            int u = fromUnits[i][endUnits][endChoice];
            endChoice = fromChoice[i][endUnits][endChoice];
            endUnits = u;
        }
        Map<String, LayerChoice> chosen = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            chosen.put(costs.get(i).layer(), choices[i]);
        }
        return new Assignment(chosen);
    }

    /** The drop {@code d} in units of {@code unit}, rounded up; -1 when it cannot fit the budget. */
    private static int units(double d, double unit) {
        if (d <= 0) {
            return 0;
        }
        if (unit <= 0) {
            return -1;
        }
        double units = Math.ceil(d / unit);
        return units > UNITS ? -1 : (int) units;
    }

    private static double[][] infinite(int k) {
        double[][] a = new double[UNITS + 1][k];
        for (double[] row : a) {
            java.util.Arrays.fill(row, Double.POSITIVE_INFINITY);
        }
        return a;
    }
}
