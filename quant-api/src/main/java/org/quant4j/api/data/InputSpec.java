package org.quant4j.api.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * One model input that a {@link Dataset} feeds: its name, element type and the shape of one
 * sample (the batch dimension left out).
 *
 * @param name        the model input's name, e.g. {@code input_ids}
 * @param type        the element type
 * @param sampleShape shape of one sample, e.g. {@code [128]} for 128 token ids
 */
public record InputSpec(String name, ElementType type, int[] sampleShape) {

    /**
     * Checks the name and type and copies the shape.
     *
     * @param name        the model input's name, not null
     * @param type        the element type, not null
     * @param sampleShape shape of one sample
     */
    public InputSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        sampleShape = sampleShape.clone();
    }

    /**
     * Shape of one sample, without the batch dimension.
     *
     * @return a copy of the shape
     */
    @Override
    public int[] sampleShape() {
        return sampleShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InputSpec s && name.equals(s.name) && type == s.type
                && Arrays.equals(sampleShape, s.sampleShape);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(sampleShape));
    }

    @Override
    public String toString() {
        return "'" + name + "' " + type + " " + Arrays.toString(sampleShape);
    }
}
