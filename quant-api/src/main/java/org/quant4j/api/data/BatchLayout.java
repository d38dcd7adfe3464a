package org.quant4j.api.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;
import org.quant4j.api.InvalidInputException;

/**
 * Where the samples of a batch go in each input of a model: its batch axis, decided from the
 * model's declared input shapes. Most models take the batch on the first axis, but a recurrent
 * state {@code [layers, N, hidden]} takes it on the second, and a scalar (a sample rate) has none
 * and is fed as it is. Every place that batches data for a model asks here (through
 * {@link ModelBatches}).
 *
 * <p>The batch axis of an input is, in this order:
 * <ol>
 *   <li>the axis the user gave for it ({@link Dataset#batchAxes()}, the CLI's {@code --batch-axis});</li>
 *   <li>none for a scalar;</li>
 *   <li>the dynamic axis named by the batch symbol, a dimension name that two or more inputs give a
 *       dynamic axis (e.g. {@code batch_size});</li>
 *   <li>its only dynamic axis;</li>
 *   <li>its first axis when that one is dynamic (an image {@code [N, 3, 48, W]} of any width);</li>
 *   <li>for an input with no dynamic axis: its first axis when no input has a dynamic axis (a model
 *       exported with a fixed batch), else none (a fixed state fed unbatched beside a dynamic
 *       batch);</li>
 *   <li>otherwise it cannot be told ({@code [2, ?, ?]}): {@link #of} throws, asking for the axis.</li>
 * </ol>
 * A batch axis of fixed size fixes the batch: the model takes batches of exactly that many samples.
 */
public final class BatchLayout {

    /** The batch axis of an input that has none: it is fed as it is, the same for every sample. */
    public static final int NONE = -1;

    /**
     * A model input as the model declares it.
     *
     * @param name      the input's name
     * @param shape     its shape, a value {@code <= 0} for a dynamic dimension; null when unknown
     * @param dimNames  the symbolic name of each dimension ("" or null when it has none); null when
     *                  none has a name
     */
    public record DeclaredInput(String name, long[] shape, String[] dimNames) {

        /**
         * Copies the arrays so the record cannot be changed through them.
         *
         * @param name      the input's name, not null
         * @param shape     its shape, a value {@code <= 0} for a dynamic dimension; null when unknown
         * @param dimNames  the symbolic name of each dimension; null when none has a name
         * @throws NullPointerException when {@code name} is null
         */
        public DeclaredInput {
            Objects.requireNonNull(name, "name");
            shape = shape == null ? null : shape.clone();
            dimNames = dimNames == null ? null : dimNames.clone();
        }

        /**
         * An input with a known shape and no dimension names.
         *
         * @param name the input's name
         * @param shape its declared shape, a value {@code <= 0} for a dynamic dimension
         * @return the declared input
         */
        public static DeclaredInput of(String name, long... shape) {
            return new DeclaredInput(name, shape, null);
        }

        /**
         * The declared shape.
         *
         * @return a copy of the shape, a value {@code <= 0} for a dynamic dimension; null when unknown
         */
        @Override
        public long[] shape() {
            return shape == null ? null : shape.clone();
        }

        String dimName(int axis) {
            return dimNames == null || axis >= dimNames.length || dimNames[axis] == null ? "" : dimNames[axis];
        }

        boolean isDynamic(int axis) {
            return shape[axis] <= 0;
        }

        /** The declared shape with its names, e.g. {@code [2, ?, 128]}. */
        String text() {
            if (shape == null) {
                return "[unknown shape]";
            }
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < shape.length; i++) {
                parts.add(!isDynamic(i) ? Long.toString(shape[i]) : dimName(i).isEmpty() ? "?" : dimName(i));
            }
            return parts.toString();
        }
    }

    private final Map<String, DeclaredInput> inputs;
    private final Map<String, Integer> axes;
    private final OptionalInt fixedBatch;
    private final String symbol;
    private final boolean anyDynamic;

    private BatchLayout(Map<String, DeclaredInput> inputs, Map<String, Integer> axes, OptionalInt fixedBatch,
            String symbol, boolean anyDynamic) {
        this.inputs = inputs;
        this.axes = Collections.unmodifiableMap(axes);
        this.fixedBatch = fixedBatch;
        this.symbol = symbol;
        this.anyDynamic = anyDynamic;
    }

    /**
     * The layout of a model with {@code inputs}, with the batch axes of {@code overrides} (by input
     * name; {@link #NONE} for no batch axis).
     *
     * @param inputs the model's inputs as declared, in model order
     * @param overrides input name to the batch axis the user chose, or {@link #NONE}; may be empty
     * @return the layout
     * @throws InvalidInputException when an override names no input or no axis of it, or the batch
     *                               axis of an input cannot be told; the message says which axes
     *                               are candidates and how to choose one
     */
    public static BatchLayout of(List<DeclaredInput> inputs, Map<String, Integer> overrides) {
        Map<String, DeclaredInput> byName = new LinkedHashMap<>();
        inputs.forEach(i -> byName.put(i.name(), i));
        for (Map.Entry<String, Integer> e : overrides.entrySet()) {
            DeclaredInput input = byName.get(e.getKey());
            if (input == null) {
                throw new InvalidInputException("A batch axis is given for input '" + e.getKey() + "', but the model"
                        + " has no such input; its inputs are " + byName.keySet());
            }
            int axis = e.getValue();
            if (axis != NONE && (axis < 0 || input.shape() != null && axis >= input.shape().length)) {
                throw new InvalidInputException("Batch axis " + axis + " of input '" + e.getKey() + "' is not an axis"
                        + " of its shape " + input.text() + ": give 0.." + (input.shape() == null ? "" :
                        input.shape().length - 1) + ", or 'none' when the input has no batch axis");
            }
        }
        String symbol = batchSymbol(inputs);
        boolean anyDynamic = inputs.stream().anyMatch(i -> i.shape() != null
                && Arrays.stream(i.shape()).anyMatch(d -> d <= 0));
        Map<String, Integer> axes = new LinkedHashMap<>();
        long fixed = Long.MAX_VALUE;
        for (DeclaredInput input : inputs) {
            int axis = overrides.containsKey(input.name()) ? overrides.get(input.name())
                    : decide(input, symbol, anyDynamic);
            axes.put(input.name(), axis);
            if (axis != NONE && input.shape() != null && !input.isDynamic(axis)) {
                fixed = Math.min(fixed, input.shape[axis]);
            }
        }
        return new BatchLayout(byName, axes, fixed == Long.MAX_VALUE ? OptionalInt.empty()
                : OptionalInt.of((int) Math.min(fixed, Integer.MAX_VALUE)), symbol, anyDynamic);
    }

    /**
     * The layout of inputs of {@code shapes} (unnamed dimensions), named {@code input0, input1, ...}.
     *
     * @param shapes the declared shape of each input, a value {@code <= 0} for a dynamic dimension
     * @return the layout
     */
    public static BatchLayout ofShapes(List<long[]> shapes) {
        List<DeclaredInput> inputs = new ArrayList<>();
        for (int i = 0; i < shapes.size(); i++) {
            inputs.add(new DeclaredInput("input" + i, shapes.get(i), null));
        }
        return of(inputs, Map.of());
    }

    /** A dimension name that two or more inputs give a dynamic axis; null when there is none or several. */
    private static String batchSymbol(List<DeclaredInput> inputs) {
        Map<String, Integer> users = new HashMap<>();
        for (DeclaredInput input : inputs) {
            if (input.shape() == null) {
                continue;
            }
            Set<String> names = new HashSet<>();
            for (int d = 0; d < input.shape.length; d++) {
                if (input.isDynamic(d) && !input.dimName(d).isEmpty()) {
                    names.add(input.dimName(d));
                }
            }
            names.forEach(n -> users.merge(n, 1, Integer::sum));
        }
        List<String> shared = users.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        return shared.size() == 1 ? shared.get(0) : null;
    }

    private static int decide(DeclaredInput input, String symbol, boolean anyDynamic) {
        long[] shape = input.shape();
        if (shape == null) {
            return 0;
        }
        if (shape.length == 0) {
            return NONE;
        }
        List<Integer> dynamic = new ArrayList<>();
        List<Integer> named = new ArrayList<>();
        for (int d = 0; d < shape.length; d++) {
            if (input.isDynamic(d)) {
                dynamic.add(d);
                if (symbol != null && symbol.equals(input.dimName(d))) {
                    named.add(d);
                }
            }
        }
        if (named.size() == 1) {
            return named.get(0);
        }
        if (dynamic.size() == 1) {
            return dynamic.get(0);
        }
        if (!dynamic.isEmpty() && dynamic.get(0) == 0) {
            return 0;
        }
        if (dynamic.isEmpty()) {
            return anyDynamic ? NONE : 0;
        }
        throw new InvalidInputException("Cannot tell the batch axis of model input '" + input.name() + "' "
                + input.text() + ": its dynamic axes " + dynamic + " could each hold the samples. Give it with"
                + " --batch-axis " + input.name() + "=AXIS (Dataset.withBatchAxes in the API), or"
                + " --batch-axis " + input.name() + "=none when the input takes no batch");
    }

    /**
     * The batch axis of a model output declared as {@code output}, decided as for an input with the
     * inputs' batch symbol (a state output {@code [2, N, 128]} has it on axis 1); 0 when it cannot
     * be told.
     *
     * @param output the output as the model declares it
     * @return the batch axis, {@link #NONE} for an output without one, or 0
     */
    public int outputAxis(DeclaredInput output) {
        try {
            return decide(output, symbol, anyDynamic);
        } catch (InvalidInputException e) {
            return 0;
        }
    }

    /**
     * The batch axis of input {@code name}, or {@link #NONE}.
     *
     * @param name an input name of the model
     * @return the axis index in the input's declared shape, or {@link #NONE}
     * @throws IllegalArgumentException when the model has no such input
     */
    public int axis(String name) {
        Integer axis = axes.get(name);
        if (axis == null) {
            throw new IllegalArgumentException("The model has no input '" + name + "'; its inputs are "
                    + axes.keySet());
        }
        return axis;
    }

    /**
     * The batch axis of every input by name, in model order.
     *
     * @return input name to its batch axis or {@link #NONE}, unmodifiable
     */
    public Map<String, Integer> axes() {
        return axes;
    }

    /**
     * The declared shape of input {@code name}, or null when unknown.
     *
     * @param name an input name
     * @return a copy of the shape, a value {@code <= 0} for a dynamic dimension; null when the shape is
     *     unknown or there is no such input
     */
    public long[] declaredShape(String name) {
        DeclaredInput input = inputs.get(name);
        return input == null ? null : input.shape();
    }

    /**
     * The declared shape of input {@code name} as text, e.g. {@code [2, ?, 128]}.
     *
     * @param name an input name
     * @return the shape with dynamic dimensions shown by name or {@code ?}; {@code [?]} for no such input
     */
    public String declaredText(String name) {
        DeclaredInput input = inputs.get(name);
        return input == null ? "[?]" : input.text();
    }

    /**
     * The batch size the model takes, when a batch axis has a fixed size.
     *
     * @return the smallest fixed size of any input's batch axis, or empty when every batch axis is dynamic
     */
    public OptionalInt fixedBatch() {
        return fixedBatch;
    }

    /**
     * The batch size to run the model with: {@code requested}, unless a batch axis fixes it
     * (smaller or larger than {@code requested}: the model takes nothing else).
     *
     * @param requested the batch size asked for, &gt; 0
     * @return the fixed batch, or {@code requested}
     * @throws IllegalArgumentException when {@code requested} is not positive
     */
    public int batchSize(int requested) {
        if (requested <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + requested);
        }
        return fixedBatch.orElse(requested);
    }

    /**
     * The shape one sample of input {@code name} has in data: the declared shape without its batch
     * axis (all of it for an input without one); null when the shape is unknown.
     *
     * @param name an input name of the model
     * @return a new array of the sample's dimensions, or null
     * @throws IllegalArgumentException when the model has no such input
     */
    public long[] sampleShape(String name) {
        long[] shape = declaredShape(name);
        int axis = axis(name);
        if (shape == null || axis == NONE) {
            return shape;
        }
        long[] sample = new long[shape.length - 1];
        for (int d = 0, s = 0; d < shape.length; d++) {
            if (d != axis) {
                sample[s++] = shape[d];
            }
        }
        return sample;
    }

    @Override
    public String toString() {
        return "BatchLayout" + axes + (fixedBatch.isPresent() ? " fixed batch " + fixedBatch.getAsInt() : "");
    }
}
