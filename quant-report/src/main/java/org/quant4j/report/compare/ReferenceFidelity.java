package org.quant4j.report.compare;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.evaluate.FidelityResult;
import org.quant4j.api.evaluate.OutputFidelity;
import org.quant4j.api.stats.ConfidenceInterval;

/**
 * How closely a method's model follows the reference model on data without labels: the per-output
 * statistics of {@link org.quant4j.api.evaluate.Evaluator#fidelity} (SQNR, cosine, absolute errors,
 * argmax agreement, each with its bootstrap interval). The first output, in the reference's order,
 * is the primary one that rows, charts and recommendations quote.
 *
 * @param samples samples both models ran on
 * @param outputs per-output statistics, the primary output first
 */
public record ReferenceFidelity(int samples, List<OutputFidelity> outputs) {

    public ReferenceFidelity {
        outputs = List.copyOf(outputs);
        if (samples <= 0 || outputs.isEmpty()) {
            throw new InvalidInputException("A fidelity row needs samples and at least one compared output, got "
                    + samples + " samples and " + outputs.size() + " outputs");
        }
    }

    /** The statistics of a fidelity run. */
    public static ReferenceFidelity of(FidelityResult result) {
        return new ReferenceFidelity(result.samples(), result.outputs());
    }

    /** The primary (first) output. */
    public OutputFidelity primary() {
        return outputs.get(0);
    }

    /**
     * The primary output's argmax agreement, when it has an argmax axis holding more than one
     * value (an axis of size 1 always agrees, so it says nothing).
     */
    public Optional<ConfidenceInterval> argmaxAgreement() {
        OutputFidelity o = primary();
        long[] shape = o.sampleShape();
        int axis = o.argmaxAxis() - 1; // argmaxAxis counts the batch axis
        if (o.argmaxAgreement().isEmpty() || axis < 0 || axis >= shape.length || shape[axis] <= 1) {
            return Optional.empty();
        }
        return o.argmaxAgreement();
    }

    // OutputFidelity holds an array, which a record compares by reference: compare by value.
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ReferenceFidelity f) || samples != f.samples || outputs.size() != f.outputs.size()) {
            return false;
        }
        for (int i = 0; i < outputs.size(); i++) {
            OutputFidelity a = outputs.get(i);
            OutputFidelity b = f.outputs.get(i);
            if (!a.name().equals(b.name()) || !Arrays.equals(a.sampleShape(), b.sampleShape())
                    || !a.sqnrDb().equals(b.sqnrDb()) || !a.cosine().equals(b.cosine())
                    || !a.maxAbsError().equals(b.maxAbsError()) || !a.meanAbsError().equals(b.meanAbsError())
                    || a.argmaxAxis() != b.argmaxAxis() || !a.argmaxAgreement().equals(b.argmaxAgreement())
                    || !a.sequenceAgreement().equals(b.sequenceAgreement())
                    || a.nonFiniteValues() != b.nonFiniteValues()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return Objects.hash(samples, outputs.stream().map(OutputFidelity::name).toList());
    }
}
