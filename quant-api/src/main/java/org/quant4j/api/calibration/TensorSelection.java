package org.quant4j.api.calibration;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.quant4j.api.InvalidInputException;

/**
 * Which tensors of a model a {@link ModelCalibrator} calibrates.
 *
 * @param kind  what the selection means
 * @param names the tensors of an {@link Kind#EXPLICIT} selection, in calibration order; empty for
 *              the other kinds
 */
public record TensorSelection(Kind kind, List<String> names) {

    /** The kinds of selection. */
    public enum Kind {
        /**
         * The tensors static quantization observes, with the ranges it would use: the backend plans
         * the quantization of the model after its inference transforms, as its static quantizer
         * does, and reports the ranges of the tensors the plan quantizes (fixed ranges of tensor
         * overrides included).
         */
        QUANTIZER,
        /**
         * Every float tensor the model computes (every node output) and its data inputs, on the
         * model as given: all the tensors an engine such as TensorRT may quantize.
         */
        ALL_FLOAT,
        /** The tensors named in the selection, on the model as given. */
        EXPLICIT
    }

    /**
     * Checks the selection and copies the names.
     *
     * @param kind  what the selection means, not null
     * @param names the tensors of an explicit selection; empty for the other kinds
     * @throws InvalidInputException when a selection that is not explicit names tensors
     */
    public TensorSelection {
        Objects.requireNonNull(kind, "kind");
        names = List.copyOf(names);
        if (kind != Kind.EXPLICIT && !names.isEmpty()) {
            throw new InvalidInputException("Only an explicit tensor selection names tensors, got " + kind
                    + " with " + names);
        }
    }

    /**
     * The tensors the static quantizer calibrates, see {@link Kind#QUANTIZER}.
     *
     * @return the selection of kind {@link Kind#QUANTIZER}
     */
    public static TensorSelection quantizerTensors() {
        return new TensorSelection(Kind.QUANTIZER, List.of());
    }

    /**
     * Every float tensor the model computes and its data inputs, see {@link Kind#ALL_FLOAT}.
     *
     * @return the selection of kind {@link Kind#ALL_FLOAT}
     */
    public static TensorSelection allFloatTensors() {
        return new TensorSelection(Kind.ALL_FLOAT, List.of());
    }

    /**
     * The tensors named in {@code names}, in that order. A name the model does not have is an
     * error when the calibrator runs; a tensor that holds no float32 values is left out of the
     * result.
     *
     * @param names the tensor names, at least one
     * @return an explicit selection
     * @throws InvalidInputException when no name is given, or a name is blank or given twice
     */
    public static TensorSelection of(Collection<String> names) {
        Objects.requireNonNull(names, "names");
        if (names.isEmpty()) {
            throw new InvalidInputException("An explicit tensor selection needs at least one tensor name; to"
                    + " calibrate every float tensor use TensorSelection.allFloatTensors()");
        }
        Set<String> unique = new LinkedHashSet<>();
        for (String name : names) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("A tensor name of the selection is blank: give the names of the"
                        + " model's tensors");
            }
            if (!unique.add(name)) {
                throw new InvalidInputException("Tensor '" + name + "' is named twice in the selection: name each"
                        + " tensor once");
            }
        }
        return new TensorSelection(Kind.EXPLICIT, List.copyOf(unique));
    }

    /**
     * The tensors named in {@code names}, see {@link #of(Collection)}.
     *
     * @param names the tensor names, at least one
     * @return an explicit selection
     * @throws InvalidInputException when no name is given, or a name is blank or given twice
     */
    public static TensorSelection of(String... names) {
        return of(List.of(names));
    }

    @Override
    public String toString() {
        return kind == Kind.EXPLICIT ? "TensorSelection" + names : "TensorSelection[" + kind + "]";
    }
}
