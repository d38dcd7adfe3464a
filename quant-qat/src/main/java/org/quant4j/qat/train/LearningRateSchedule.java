package org.quant4j.qat.train;

import ai.djl.training.tracker.Tracker;

/**
 * A learning rate per optimizer step: a linear warm-up from {@code base / warmupSteps} to
 * {@code base} over the first {@code warmupSteps} steps, then either a half-cosine decay from
 * {@code base} to {@code finalValue} at {@code totalSteps}, or a step decay that multiplies by
 * {@code factor} every {@code stepSize} steps. Immutable; a DJL {@link Tracker}, whose update
 * counts start at 1.
 */
public final class LearningRateSchedule implements Tracker {

    /** The decay after the warm-up. */
    public enum Kind {
        /** Half-cosine from the base value to the final value. */
        COSINE,
        /** Multiply by a factor every fixed number of steps. */
        STEP
    }

    private final Kind kind;
    private final float base;
    private final int warmupSteps;
    private final int totalSteps;
    private final float finalValue;
    private final int stepSize;
    private final float factor;

    private LearningRateSchedule(Kind kind, float base, int warmupSteps, int totalSteps, float finalValue, int stepSize,
            float factor) {
        if (!(base > 0) || Float.isInfinite(base)) {
            throw new IllegalArgumentException("The base learning rate must be finite and > 0, got " + base);
        }
        if (warmupSteps < 0) {
            throw new IllegalArgumentException("Warm-up steps must be >= 0, got " + warmupSteps);
        }
        this.kind = kind;
        this.base = base;
        this.warmupSteps = warmupSteps;
        this.totalSteps = totalSteps;
        this.finalValue = finalValue;
        this.stepSize = stepSize;
        this.factor = factor;
    }

    /**
     * Linear warm-up over {@code warmupSteps}, then cosine decay to {@code finalValue} at
     * {@code totalSteps}; constant at {@code finalValue} after.
     */
    public static LearningRateSchedule warmupCosine(float base, int warmupSteps, int totalSteps, float finalValue) {
        if (totalSteps <= warmupSteps) {
            throw new IllegalArgumentException("Total steps (" + totalSteps + ") must exceed the warm-up steps ("
                    + warmupSteps + ")");
        }
        if (!(finalValue >= 0 && finalValue <= base)) {
            throw new IllegalArgumentException("The final learning rate must be in [0, " + base + "], got " + finalValue);
        }
        return new LearningRateSchedule(Kind.COSINE, base, warmupSteps, totalSteps, finalValue, 0, 1);
    }

    /** Linear warm-up over {@code warmupSteps}, then {@code base * factor^floor((step - warmup) / stepSize)}. */
    public static LearningRateSchedule step(float base, int warmupSteps, int stepSize, float factor) {
        if (stepSize < 1) {
            throw new IllegalArgumentException("Step size must be >= 1, got " + stepSize);
        }
        if (!(factor > 0 && factor <= 1)) {
            throw new IllegalArgumentException("Step factor must be in (0, 1], got " + factor);
        }
        return new LearningRateSchedule(Kind.STEP, base, warmupSteps, 0, 0, stepSize, factor);
    }

    /** The decay kind. */
    public Kind kind() {
        return kind;
    }

    /** The learning rate at the end of warm-up. */
    public float base() {
        return base;
    }

    /** The learning rate of 0-based step {@code step}. */
    public float valueAt(int step) {
        if (step < warmupSteps) {
            return base * (step + 1) / warmupSteps;
        }
        int t = step - warmupSteps;
        if (kind == Kind.STEP) {
            return (float) (base * Math.pow(factor, t / stepSize));
        }
        int span = totalSteps - warmupSteps;
        if (t >= span) {
            return finalValue;
        }
        return (float) (finalValue + 0.5 * (base - finalValue) * (1 + Math.cos(Math.PI * t / span)));
    }

    @Override
    public float getNewValue(int numUpdate) {
        return valueAt(Math.max(0, numUpdate - 1));
    }

    @Override
    public String toString() {
        return kind == Kind.COSINE
                ? "warm-up " + warmupSteps + " steps then cosine from " + base + " to " + finalValue + " at step "
                        + totalSteps
                : "warm-up " + warmupSteps + " steps then " + base + " x " + factor + " every " + stepSize + " steps";
    }
}
