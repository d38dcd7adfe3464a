package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What one search chose on the validation split, and what it tried.
 *
 * @param method      the search
 * @param chosen      the fastest assignment it found within the budget on the whole validation split,
 *                    or, when none was, the one of smallest drop
 * @param withinBudget whether {@code chosen} is within the budget
 * @param evaluations models built and measured by this search (cached ones counted once)
 * @param front       the Pareto front of drop against latency of what it measured, fastest first
 * @param tried       what it tried, in words
 * @param time        the search's own time (the shared calibration, sensitivity and cost profile excluded)
 */
public record SearchOutcome(SearchMethod method, Evaluated chosen, boolean withinBudget, int evaluations,
        List<Evaluated> front, String tried, Duration time) {

    public SearchOutcome {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(chosen, "chosen");
        front = List.copyOf(front);
        Objects.requireNonNull(tried, "tried");
        Objects.requireNonNull(time, "time");
    }
}
