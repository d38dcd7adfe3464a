package org.quant4j.mixedprecision;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A seeded genetic search over assignments in which every individual is built and measured: its drop
 * on the first samples of the validation order and its latency from the profile. The first
 * generation holds the fastest INT8 model, the per-channel INT8 model, the weighted layers alone in INT8
 * ({@link SearchSpace#weightedInt8}), every layer in float, every layer at its fallback (float16 where
 * the backend runs it fast), the assignments of the other
 * searches when given, and random assignments; each next generation keeps the Pareto front of drop
 * against latency and fills up with children (binary tournaments, uniform crossover, each layer
 * mutated with probability 1/layers). Individuals within budget are ranked by latency, the others by
 * drop. At the end the fastest individuals within budget on the subset are measured on the whole
 * validation split, fastest first, until one holds.
 */
final class EvolutionarySearch {

    /** Individuals within budget on the subset verified on the whole validation split, at most. */
    static final int VERIFIED = 3;

    private EvolutionarySearch() {
    }

    static SearchOutcome run(SearchSpace space, int population, int generations, List<Assignment> seeds) {
        long start = System.nanoTime();
        int before = space.evaluator().built();
        SplittableRandom random = new SplittableRandom(space.seed());
        List<String> layers = space.layers();
        Map<String, LayerCost> costs = new LinkedHashMap<>();
        space.costs().forEach(c -> costs.put(c.layer(), c));

        Set<Assignment> first = new LinkedHashSet<>();
        first.add(space.fastestInt8());
        first.add(space.perChannel());
        first.add(space.weightedInt8());
        first.add(space.allFloat());
        first.add(space.allFallback());
        first.addAll(seeds);
        while (first.size() < population) {
            Assignment a = space.fastestInt8();
            for (String l : layers) {
                if (random.nextDouble() < 0.2) {
                    a = a.with(l, randomChoice(costs.get(l), random));
                }
            }
            first.add(a);
        }
        List<Evaluated> pop = new ArrayList<>();
        for (Assignment a : first) {
            if (space.evaluator().file(a).isPresent()) {
                pop.add(space.evaluator().onSubset(a));
            }
        }
        Comparator<Evaluated> fitness = Comparator
                .comparing((Evaluated e) -> !e.within(space.budget()))
                .thenComparingDouble(e -> e.within(space.budget()) ? e.latencyMicros() : e.drop().estimate())
                .thenComparing(e -> e.assignment().key());
        for (int g = 0; g < generations; g++) {
            List<Evaluated> next = new ArrayList<>(AssignmentEvaluator.front(pop));
            Set<String> keys = new LinkedHashSet<>();
            next.forEach(e -> keys.add(e.assignment().key()));
            int attempts = 0;
            while (next.size() < population && attempts++ < 20 * population) {
                Evaluated a = tournament(pop, fitness, random);
                Evaluated b = tournament(pop, fitness, random);
                Assignment child = mutate(crossover(a.assignment(), b.assignment(), layers, random), costs, random);
                if (keys.add(child.key()) && space.evaluator().file(child).isPresent()) {
                    next.add(space.evaluator().onSubset(child));
                }
            }
            pop = next;
        }
        List<Evaluated> measured = space.evaluator().subsetMeasured();
        List<Evaluated> candidates = measured.stream().filter(e -> e.within(space.budget())).sorted(fitness).toList();
        List<Evaluated> verified = new ArrayList<>();
        for (Evaluated e : candidates) {
            if (verified.size() >= VERIFIED) {
                break;
            }
            Evaluated v = space.evaluator().onValidation(e.assignment());
            verified.add(v);
            if (v.within(space.budget())) {
                break;
            }
        }
        if (verified.stream().noneMatch(e -> e.within(space.budget()))) {
            verified.add(space.evaluator().onValidation(space.allFloat()));
        }
        Evaluated chosen = space.best(verified);
        List<Evaluated> front = AssignmentEvaluator.front(measured);
        String what = (generations + 1) + " generations of up to " + population + " individuals, " + measured.size()
                + " assignments measured on " + (measured.isEmpty() ? 0 : measured.get(0).samples())
                + " validation samples, " + verified.size() + " verified on the whole validation split";
        return new SearchOutcome(SearchMethod.EVOLUTIONARY, chosen, chosen.within(space.budget()),
                space.evaluator().built() - before, front, what, Duration.ofNanos(System.nanoTime() - start));
    }

    private static Evaluated tournament(List<Evaluated> pop, Comparator<Evaluated> fitness, SplittableRandom random) {
        Evaluated a = pop.get(random.nextInt(pop.size()));
        Evaluated b = pop.get(random.nextInt(pop.size()));
        return fitness.compare(a, b) <= 0 ? a : b;
    }

    private static Assignment crossover(Assignment a, Assignment b, List<String> layers, SplittableRandom random) {
        Map<String, LayerChoice> m = new LinkedHashMap<>();
        for (String l : layers) {
            m.put(l, random.nextBoolean() ? a.of(l) : b.of(l));
        }
        return new Assignment(m);
    }

    private static Assignment mutate(Assignment a, Map<String, LayerCost> costs, SplittableRandom random) {
        double p = 1.0 / costs.size();
        Assignment out = a;
        for (LayerCost c : costs.values()) {
            if (random.nextDouble() < p) {
                out = out.with(c.layer(), randomChoice(c, random));
            }
        }
        return out;
    }

    private static LayerChoice randomChoice(LayerCost c, SplittableRandom random) {
        List<LayerChoice> choices = new ArrayList<>(c.choices());
        return choices.get(random.nextInt(choices.size()));
    }
}
