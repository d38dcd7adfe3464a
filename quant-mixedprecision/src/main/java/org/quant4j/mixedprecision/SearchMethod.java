package org.quant4j.mixedprecision;

import java.util.Arrays;
import java.util.Locale;

import org.quant4j.api.InvalidInputException;

/** The searches over assignments that {@link MixedPrecision} runs. */
public enum SearchMethod {
    /**
     * Moves layers to float in order of predicted loss per latency cost, and takes the shortest
     * prefix of that order whose measured validation drop is within budget (binary search); the same
     * from the weighted layers alone in INT8, largest one-on drop first; the faster of the two picks
     * on the wall clock.
     */
    GREEDY("greedy"),
    /**
     * A multiple-choice knapsack over the predicted losses (one-on drops) against the measured
     * latency of each choice, verified on the validation split and re-solved with a tighter budget
     * when the verification misses.
     */
    DP("dp"),
    /**
     * A seeded genetic search whose every individual is built and measured (validation drop on a
     * subset, latency from the profile), keeping the Pareto front of drop against latency.
     */
    EVOLUTIONARY("evolutionary");

    private final String id;

    SearchMethod(String id) {
        this.id = id;
    }

    /**
     * The name on the command line and in the JSON.
     *
     * @return the lower-case name
     */
    public String id() {
        return id;
    }

    /**
     * The search named {@code id}.
     *
     * @param id a name as {@link #id()} gives it
     * @return the search
     * @throws InvalidInputException for an unknown name
     */
    public static SearchMethod of(String id) {
        for (SearchMethod m : values()) {
            if (m.id.equals(id.toLowerCase(Locale.ROOT))) {
                return m;
            }
        }
        throw new InvalidInputException("Unknown search '" + id + "': the searches are "
                + Arrays.stream(values()).map(SearchMethod::id).toList() + " (or all)");
    }
}
