package org.quant4j.api.data;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The shapes the samples of a {@link Dataset} have, and how many samples have each: one group for
 * data of one shape, several for, say, text lines of different widths. Samples of different shapes
 * are never batched together ({@link ModelBatches}); results report these groups so a user sees
 * which shapes were run.
 *
 * @param groups the groups in the order their first sample appears
 */
public record SampleShapes(List<Group> groups) {

    /**
     * Samples of one shape.
     *
     * @param shapes  the shape of one sample of each input, by input name in input order; a dataset
     *                of float samples for a model's one input uses the name {@code ""}
     * @param samples how many samples have these shapes
     */
    public record Group(Map<String, int[]> shapes, int samples) {

        /**
         * Copies the shapes.
         *
         * @param shapes  the shape of one sample of each input, by input name in input order
         * @param samples how many samples have these shapes, &gt;= 0
         * @throws IllegalArgumentException when {@code samples} is negative
         */
        public Group {
            Map<String, int[]> copy = new LinkedHashMap<>();
            Objects.requireNonNull(shapes, "shapes").forEach((name, shape) -> copy.put(name, shape.clone()));
            shapes = Collections.unmodifiableMap(copy);
            if (samples < 0) {
                throw new IllegalArgumentException("A shape group holds >= 0 samples, got " + samples);
            }
        }

        /**
         * The shape of one sample of each input.
         *
         * @return a new map of copies, by input name in input order ({@code ""} for the one unnamed input)
         */
        @Override
        public Map<String, int[]> shapes() {
            Map<String, int[]> copy = new LinkedHashMap<>();
            shapes.forEach((name, shape) -> copy.put(name, shape.clone()));
            return copy;
        }

        /**
         * The shapes as text: {@code [3, 48, 160]} for one unnamed input, else {@code input [512], sr []}.
         *
         * @return the text, never null
         */
        public String shapeText() {
            if (shapes.size() == 1 && shapes.containsKey("")) {
                return Arrays.toString(shapes.get(""));
            }
            return shapes.entrySet().stream().map(e -> e.getKey() + " " + Arrays.toString(e.getValue()))
                    .collect(Collectors.joining(", "));
        }

        @Override
        public boolean equals(Object o) {
            if (!(o instanceof Group g) || samples != g.samples || !shapes.keySet().equals(g.shapes.keySet())) {
                return false;
            }
            return shapes.entrySet().stream().allMatch(e -> Arrays.equals(e.getValue(), g.shapes.get(e.getKey())));
        }

        @Override
        public int hashCode() {
            return Objects.hash(shapeText(), samples);
        }

        @Override
        public String toString() {
            return shapeText() + ": " + samples;
        }
    }

    /**
     * Copies the list of groups.
     *
     * @param groups the groups in the order their first sample appears
     */
    public SampleShapes {
        groups = List.copyOf(groups);
    }

    /**
     * Number of samples over all groups.
     *
     * @return the sum of the groups' sample counts
     */
    public long samples() {
        return groups.stream().mapToLong(Group::samples).sum();
    }

    /**
     * The groups as text, e.g. {@code [3, 48, 160]: 6 samples; [3, 48, 192]: 10 samples}.
     *
     * @return the text; empty when there are no groups
     */
    public String describe() {
        return groups.stream().map(g -> g.shapeText() + ": " + g.samples() + (g.samples() == 1 ? " sample" : " samples"))
                .collect(Collectors.joining("; "));
    }

    /**
     * The groups as plain values for a JSON document: a list of
     * {@code {"shapes": {"x": [3, 48, 160]}, "samples": 6}}, the unnamed input of float samples
     * under {@code ""}.
     *
     * @return one new map per group, in group order
     */
    public List<Map<String, Object>> toMaps() {
        return groups.stream().map(g -> {
            Map<String, Object> shapes = new LinkedHashMap<>();
            g.shapes.forEach((name, shape) -> shapes.put(name, Arrays.stream(shape).boxed().toList()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("shapes", shapes);
            m.put("samples", g.samples);
            return m;
        }).toList();
    }

    @Override
    public String toString() {
        return "SampleShapes[" + describe() + "]";
    }
}
