package org.quant4j.api.data;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import org.quant4j.api.InvalidInputException;

/**
 * Random-access samples, already preprocessed to float tensors of one shape. Quantizers stream a
 * dataset through {@link #batches(int)}, so memory is bounded by one batch, not by the dataset.
 *
 * <p>A dataset may instead hold <em>named</em> samples for a model with several inputs or inputs
 * that are not float32 (token ids and an attention mask, say): it lists them in {@link #inputs()}
 * and makes batches through {@link #namedBatch}; its {@link #sampleShape()} and {@link #read} then
 * throw {@link UnsupportedOperationException}. A dataset of float samples names no input: it feeds
 * a model's one input whatever that is called, and {@link #namedBatches(int, String)} binds it to
 * that name, so that a backend can read every dataset as named batches.
 */
public interface Dataset {

    /**
     * Number of samples.
     *
     * @return the sample count, &gt;= 0
     */
    int size();

    /**
     * Shape of one sample, e.g. {@code [1, 28, 28]} (CHW).
     *
     * @return the dimensions of one sample, without a batch axis
     * @throws UnsupportedOperationException for a dataset of named samples
     */
    int[] sampleShape();

    /**
     * Number of classes, or 0 when the data is unlabelled.
     *
     * @return the class count, or 0
     */
    int numClasses();

    /**
     * Writes sample {@code index} into {@code dest} starting at {@code offset}.
     *
     * @param index the sample, from 0 to {@code size() - 1}
     * @param dest the array to fill, with room for {@link #sampleElements()} floats from {@code offset}
     * @param offset the first position of {@code dest} written
     * @throws UnsupportedOperationException for a dataset of named samples
     */
    void read(int index, float[] dest, int offset);

    /**
     * Class label of sample {@code index}; -1 when the data is unlabelled.
     *
     * @param index the sample, from 0 to {@code size() - 1}
     * @return the label, from 0 to {@code numClasses() - 1}, or -1
     */
    int label(int index);

    /**
     * A stable text that changes whenever the samples change (files, transform, selection); used
     * to key caches and recorded in provenance.
     *
     * @return the fingerprint, never empty
     */
    String fingerprint();

    /**
     * Number of floats in one sample.
     *
     * @return the product of {@link #sampleShape()}
     */
    default int sampleElements() {
        return Math.toIntExact(Batch.sampleElements(sampleShape()));
    }

    /**
     * Consecutive batches of at most {@code batchSize} samples, in index order.
     *
     * @param batchSize the largest number of samples in a batch, &gt; 0; only the last batch may be smaller
     * @return an iterator that reads each batch when asked for it
     * @throws IllegalArgumentException when {@code batchSize} is not positive
     */
    default Iterator<Batch> batches(int batchSize) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + batchSize);
        }
        final int per = sampleElements();
        final int[] shape = sampleShape();
        final boolean labelled = numClasses() > 0;
        return consecutive(batchSize, (start, count) -> {
            float[] data = new float[Math.multiplyExact(count, per)];
            int[] labels = labelled ? new int[count] : null;
            for (int i = 0; i < count; i++) {
                read(start + i, data, i * per);
                if (labelled) {
                    labels[i] = label(start + i);
                }
            }
            return new Batch(data, count, shape, Optional.ofNullable(labels));
        });
    }

    /**
     * The model inputs of a dataset of named samples, in order; empty (the default) for a dataset of
     * float samples, which feeds a model's one input under whatever name the model gives it.
     *
     * @return the inputs, or an empty list
     */
    default List<InputSpec> inputs() {
        return List.of();
    }

    /**
     * The shapes of the samples and how many samples have each. The default: one group, every sample
     * of {@link #sampleShape()} (under the name {@code ""}) or of the shapes of {@link #inputs()}. A
     * dataset of samples of several shapes (text lines of different widths) overrides this and
     * {@link #shapeGroup(int)}; its {@link #inputs()} then give the shapes of its first group.
     *
     * @return the groups of sample shapes with their sample counts
     */
    default SampleShapes sampleShapes() {
        Map<String, int[]> shapes = new LinkedHashMap<>();
        if (inputs().isEmpty()) {
            shapes.put("", sampleShape());
        } else {
            inputs().forEach(spec -> shapes.put(spec.name(), spec.sampleShape()));
        }
        return new SampleShapes(List.of(new SampleShapes.Group(shapes, size())));
    }

    /**
     * The index in {@link #sampleShapes()} of the group of sample {@code index}; 0 by default.
     *
     * @param index the sample, from 0 to {@code size() - 1}
     * @return the index of its group
     */
    default int shapeGroup(int index) {
        Objects.checkIndex(index, size());
        return 0;
    }

    /**
     * The batch axis of model inputs whose axis the model leaves ambiguous, or that the user chose,
     * by input name ({@link BatchLayout#NONE} for an input fed without a batch axis); empty by
     * default: the model's declared shapes decide ({@link BatchLayout}).
     *
     * @return input name to its batch axis; empty when the model decides
     */
    default Map<String, Integer> batchAxes() {
        return Map.of();
    }

    /**
     * This dataset with the batch axis of the model inputs of {@code axes} chosen
     * ({@link #batchAxes()}): the samples of an input go to that axis of the model input.
     *
     * @param axes input name to its batch axis, or {@link BatchLayout#NONE}
     * @return a view of this dataset with those batch axes; the samples are not copied
     */
    default Dataset withBatchAxes(Map<String, Integer> axes) {
        return new BatchAxesDataset(this, axes);
    }

    /**
     * The inputs this dataset feeds: {@link #inputs()} when it names them, else one float32 input
     * called {@code singleInput} with samples of {@link #sampleShape()}.
     *
     * @return the inputs, never empty
     * @param singleInput the name of the model's one data input, or null when the model has several
     * @throws InvalidInputException when this dataset of float samples is given a model with several
     *                               inputs
     */
    default List<InputSpec> inputs(String singleInput) {
        List<InputSpec> named = inputs();
        if (!named.isEmpty()) {
            return named;
        }
        return List.of(new InputSpec(requireSingleInput(singleInput), ElementType.FLOAT32, sampleShape()));
    }

    /**
     * The samples at {@code indices} as one batch of named tensors, labelled when the dataset is.
     * Datasets of named samples implement this; the default reads float samples with
     * {@link #read} and binds them to {@code singleInput}.
     *
     * @param indices the samples to read, each from 0 to {@code size() - 1}, in the batch's order
     * @return the batch of {@code indices.length} samples
     * @param singleInput the name of the model's one data input, or null when the model has several
     * @throws InvalidInputException when this dataset of float samples is given a model with several
     *                               inputs
     */
    default NamedBatch namedBatch(int[] indices, String singleInput) {
        String name = requireSingleInput(singleInput);
        int per = sampleElements();
        float[] data = new float[Math.multiplyExact(indices.length, per)];
        int[] labels = numClasses() > 0 ? new int[indices.length] : null;
        for (int i = 0; i < indices.length; i++) {
            read(indices[i], data, i * per);
            if (labels != null) {
                labels[i] = label(indices[i]);
            }
        }
        return NamedBatch.of(name, new Batch(data, indices.length, sampleShape(), Optional.ofNullable(labels)));
    }

    /**
     * Consecutive batches of at most {@code batchSize} samples as named tensors, in index order. A
     * dataset of float samples gives its {@link #batches(int)}, the one tensor of each bound to
     * {@code singleInput} (the float arrays are shared, so the values are those of
     * {@link #batches(int)} exactly).
     *
     * @param batchSize the largest number of samples in a batch, &gt; 0
     * @return an iterator that reads each batch when asked for it
     * @throws IllegalArgumentException when {@code batchSize} is not positive
     * @param singleInput the name of the model's one data input, or null when the model has several
     * @throws InvalidInputException when this dataset of float samples is given a model with several
     *                               inputs
     */
    default Iterator<NamedBatch> namedBatches(int batchSize, String singleInput) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("Batch size must be > 0, got " + batchSize);
        }
        if (inputs().isEmpty()) {
            String name = requireSingleInput(singleInput);
            Iterator<Batch> batches = batches(batchSize);
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return batches.hasNext();
                }

                @Override
                public NamedBatch next() {
                    return NamedBatch.of(name, batches.next());
                }
            };
        }
        return consecutive(batchSize, (start, count) -> {
            int[] indices = new int[count];
            for (int i = 0; i < count; i++) {
                indices[i] = start + i;
            }
            return namedBatch(indices, singleInput);
        });
    }

    /** Batches made by {@code make} from the first index and count of each run of consecutive samples. */
    private <T> Iterator<T> consecutive(int batchSize, BiFunction<Integer, Integer, T> make) {
        final int n = size();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < n;
            }

            @Override
            public T next() {
                if (next >= n) {
                    throw new NoSuchElementException();
                }
                int count = Math.min(batchSize, n - next);
                T batch = make.apply(next, count);
                next += count;
                return batch;
            }
        };
    }

    private String requireSingleInput(String singleInput) {
        if (singleInput == null) {
            throw new InvalidInputException("Data " + this + " holds samples for one float input, but the model has"
                    + " several inputs: give one array per model input, named by the input (a .npz file, say)");
        }
        return singleInput;
    }
}
