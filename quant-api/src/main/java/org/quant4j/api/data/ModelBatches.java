package org.quant4j.api.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.quant4j.api.InvalidInputException;

/**
 * The batches of a dataset as a model takes them, for every place that runs data through a model
 * (calibration, the float16 check, evaluation, fidelity, the saturation analysis):
 * <ul>
 *   <li>samples of different shapes ({@link Dataset#sampleShapes()}) are never batched together:
 *       each shape group is batched on its own, in the order its first sample appears, nothing
 *       padded;</li>
 *   <li>each input's samples go to its batch axis ({@link BatchLayout}); an input without one (a
 *       scalar sample rate) is fed once per batch, and every sample of the batch must hold the same
 *       value for it;</li>
 *   <li>a sample may leave out the batch axis ({@code [2, 128]} for a state {@code [2, N, 128]}) or
 *       keep it with size 1 ({@code [2, 1, 128]});</li>
 *   <li>a model with a fixed batch gets full batches only: the samples of a group that do not fill
 *       one are left out ({@link #leftOut()}).</li>
 * </ul>
 * One batch is read at a time; the plan holds one index per sample when the data has several
 * shapes.
 */
public final class ModelBatches implements Iterator<NamedBatch> {

    private final Dataset data;
    private final BatchLayout layout;
    private final String singleInput;
    private final int batchSize;
    private final List<int[]> groups;
    private final boolean fixed;
    private int group;
    private int next;
    private int leftOut;

    private ModelBatches(Dataset data, BatchLayout layout, String singleInput, int batchSize) {
        this.data = data;
        this.layout = layout;
        this.singleInput = singleInput;
        this.batchSize = batchSize;
        this.fixed = layout.fixedBatch().isPresent();
        this.groups = plan(data);
        if (fixed) {
            for (int[] g : groups) {
                leftOut += g.length % batchSize;
            }
        }
    }

    /**
     * The batches of {@code data} for a model of {@code layout}, of at most {@code requested}
     * samples (exactly the model's batch when it fixes one).
     *
     * @param data the samples
     * @param layout the batch axes of the model's inputs
     * @param requested the batch size asked for, &gt; 0
     * @return an iterator over the batches, reading each when asked for it
     * @throws InvalidInputException when the data of float samples is given a model with several
     *                               inputs
     */
    public static ModelBatches of(Dataset data, BatchLayout layout, int requested) {
        int size = layout.batchSize(requested);
        String single = null;
        if (layout.axes().size() == 1) {
            single = layout.axes().keySet().iterator().next();
        } else if (data.inputs().isEmpty()) {
            data.inputs(null); // throws the dataset's own message
        }
        return new ModelBatches(data, layout, single, size);
    }

    /** The indices of each shape group, in sample order. */
    private static List<int[]> plan(Dataset data) {
        int n = data.size();
        int count = data.sampleShapes().groups().size();
        if (count <= 1) {
            int[] all = new int[n];
            Arrays.setAll(all, i -> i);
            return List.of(all);
        }
        int[] sizes = new int[count];
        int[] of = new int[n];
        for (int i = 0; i < n; i++) {
            of[i] = data.shapeGroup(i);
            sizes[of[i]]++;
        }
        List<int[]> groups = new ArrayList<>();
        int[] filled = new int[count];
        for (int g = 0; g < count; g++) {
            groups.add(new int[sizes[g]]);
        }
        for (int i = 0; i < n; i++) {
            groups.get(of[i])[filled[of[i]]++] = i;
        }
        return groups;
    }

    /**
     * The number of samples per batch.
     *
     * @return the batch size, the model's fixed batch when it has one
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The samples left out because they do not fill a batch of a model with a fixed batch.
     *
     * @return the count of samples not run; 0 unless the model fixes its batch
     */
    public int leftOut() {
        return leftOut;
    }

    /**
     * The samples the batches hold: the data's, less those {@link #leftOut()}.
     *
     * @return the count of samples the batches hold
     */
    public int samples() {
        return data.size() - leftOut;
    }

    @Override
    public boolean hasNext() {
        while (group < groups.size()) {
            int remaining = groups.get(group).length - next;
            if (remaining > 0 && (!fixed || remaining >= batchSize)) {
                return true;
            }
            group++;
            next = 0;
        }
        return false;
    }

    @Override
    public NamedBatch next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        int[] indices = groups.get(group);
        int count = Math.min(batchSize, indices.length - next);
        int[] chosen = Arrays.copyOfRange(indices, next, next + count);
        next += count;
        return toModel(data.namedBatch(chosen, singleInput), chosen);
    }

    /** {@code batch}, samples on the first axis, with each input's samples on its batch axis. */
    private NamedBatch toModel(NamedBatch batch, int[] indices) {
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, Integer> axes = new LinkedHashMap<>();
        for (Map.Entry<String, Tensor> e : batch.tensors().entrySet()) {
            String name = e.getKey();
            Tensor t = e.getValue();
            int axis = layout.axes().containsKey(name) ? layout.axis(name) : 0;
            long[] declared = layout.declaredShape(name);
            long[] shape = t.shape();
            if (axis == BatchLayout.NONE) {
                tensors.put(name, unbatched(name, t, indices));
                axes.put(name, BatchLayout.NONE);
                continue;
            }
            if (declared != null && shape.length == declared.length + 1 && axis < declared.length
                    && shape[axis + 1] == 1) {
                // The sample kept the batch axis with size 1: drop it.
                long[] dropped = new long[shape.length - 1];
                for (int d = 0, s = 0; d < shape.length; d++) {
                    if (d != axis + 1) {
                        dropped[s++] = shape[d];
                    }
                }
                t = t.reshape(dropped);
            }
            if (axis > 0 && axis < t.shape().length) {
                t = t.moveAxis(0, axis);
                axes.put(name, axis);
            }
            tensors.put(name, t);
        }
        return new NamedBatch(tensors, batch.size(), batch.labels(), axes);
    }

    /** The one value of input {@code name} that every sample of the batch holds. */
    private Tensor unbatched(String name, Tensor t, int[] indices) {
        Tensor first = t.slice(0);
        for (int i = 1; i < indices.length; i++) {
            if (!first.equals(t.slice(i))) {
                throw new InvalidInputException("Model input '" + name + "' " + layout.declaredText(name) + " has no"
                        + " batch axis, so it is fed once per batch and every sample of a batch must hold the same"
                        + " value, but samples " + indices[0] + " and " + indices[i] + " differ: give samples with"
                        + " different values in separate runs, use --batch-size 1, or give the input's batch axis"
                        + " with --batch-axis " + name + "=AXIS if it has one");
            }
        }
        return first;
    }
}
