package org.quant4j.calibration.sampling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.InputSpec;
import org.quant4j.api.data.NamedBatch;
import org.quant4j.api.data.SampleShapes;
import org.quant4j.calibration.data.Fingerprint;

/**
 * A view of chosen samples of a parent dataset: sample {@code i} of the subset is sample
 * {@code indices()[i]} of the parent. Nothing is copied; reads go to the parent. The fingerprint
 * combines the parent's fingerprint with a description of the selection; a parent of named inputs
 * gives a subset of the same inputs. Thread-safe when the parent is.
 */
public final class Subset implements Dataset {

    private final Dataset parent;
    private final int[] indices;
    private final String selection;
    private final Supplier<String> fingerprint = Fingerprint.lazy(this::computeFingerprint);
    private Groups groups;

    Subset(Dataset parent, int[] indices, String selection) {
        this.parent = Objects.requireNonNull(parent, "parent");
        this.indices = indices.clone();
        this.selection = selection;
        int n = parent.size();
        for (int i = 0; i < this.indices.length; i++) {
            if (this.indices[i] < 0 || this.indices[i] >= n) {
                throw new IndexOutOfBoundsException("Subset index " + i + " is " + this.indices[i]
                        + ", outside the parent's 0.." + (n - 1));
            }
        }
    }

    /**
     * The samples of {@code parent} at {@code indices}, in that order. The fingerprint includes a
     * digest of the indices.
     *
     * @throws IndexOutOfBoundsException when an index is outside the parent
     */
    public static Subset of(Dataset parent, int[] indices) {
        int[] copy = indices.clone();
        StringBuilder text = new StringBuilder();
        for (int index : copy) {
            text.append(index).append(',');
        }
        return new Subset(parent, copy, "indices sha256=" + Fingerprint.sha256Hex(text.toString()));
    }

    /**
     * The samples of {@code parent} that {@code chosen} (a subset of {@code parent}) leaves out, in
     * index order: the training part when {@code chosen} is a validation split.
     *
     * @throws IllegalArgumentException when {@code chosen} is not a subset of {@code parent}
     */
    public static Subset complement(Dataset parent, Subset chosen) {
        if (chosen.parent() != parent) {
            throw new IllegalArgumentException("The complement needs a subset of " + parent + ", got one of "
                    + chosen.parent());
        }
        boolean[] taken = new boolean[parent.size()];
        for (int i : chosen.indices) {
            taken[i] = true;
        }
        int count = 0;
        for (boolean t : taken) {
            count += t ? 0 : 1;
        }
        int[] rest = new int[count];
        int at = 0;
        for (int i = 0; i < taken.length; i++) {
            if (!taken[i]) {
                rest[at++] = i;
            }
        }
        return of(parent, rest);
    }

    /** The dataset this is a view of. */
    public Dataset parent() {
        return parent;
    }

    /** Parent index of every sample, in subset order. */
    public int[] indices() {
        return indices.clone();
    }

    /** How the samples were chosen, e.g. {@code "stratified n=500 seed=42"}. */
    public String selection() {
        return selection;
    }

    @Override
    public int size() {
        return indices.length;
    }

    @Override
    public int[] sampleShape() {
        return parent.sampleShape();
    }

    @Override
    public int numClasses() {
        return parent.numClasses();
    }

    @Override
    public void read(int index, float[] dest, int offset) {
        parent.read(indices[Objects.checkIndex(index, indices.length)], dest, offset);
    }

    @Override
    public List<InputSpec> inputs() {
        return parent.inputs();
    }

    /** The parent's samples at the subset's {@code indices}, read through the parent's own {@code namedBatch}. */
    @Override
    public NamedBatch namedBatch(int[] indices, String singleInput) {
        if (parent.inputs().isEmpty()) {
            return Dataset.super.namedBatch(indices, singleInput);
        }
        int[] mapped = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            mapped[i] = this.indices[Objects.checkIndex(indices[i], this.indices.length)];
        }
        return parent.namedBatch(mapped, singleInput);
    }

    @Override
    public int label(int index) {
        return parent.label(indices[Objects.checkIndex(index, indices.length)]);
    }

    /** The parent's shape groups that the subset's samples fall in, with their counts in the subset. */
    @Override
    public SampleShapes sampleShapes() {
        return groups().shapes();
    }

    @Override
    public int shapeGroup(int index) {
        return groups().groupOf()[Objects.checkIndex(index, indices.length)];
    }

    @Override
    public Map<String, Integer> batchAxes() {
        return parent.batchAxes();
    }

    /** The subset's shape groups and the group of each of its samples. */
    private record Groups(SampleShapes shapes, int[] groupOf) {
    }

    private synchronized Groups groups() {
        if (groups == null) {
            groups = computeGroups();
        }
        return groups;
    }

    private Groups computeGroups() {
        List<SampleShapes.Group> parentGroups = parent.sampleShapes().groups();
        int[] groupOf = new int[indices.length];
        if (parentGroups.size() <= 1) {
            return new Groups(new SampleShapes(parentGroups.isEmpty() ? List.of() : List.of(new SampleShapes.Group(
                    parentGroups.get(0).shapes(), indices.length))), groupOf);
        }
        int[] renumber = new int[parentGroups.size()];
        Arrays.fill(renumber, -1);
        List<Integer> order = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int i = 0; i < indices.length; i++) {
            int g = parent.shapeGroup(indices[i]);
            if (renumber[g] < 0) {
                renumber[g] = order.size();
                order.add(g);
                counts.add(0);
            }
            groupOf[i] = renumber[g];
            counts.set(renumber[g], counts.get(renumber[g]) + 1);
        }
        List<SampleShapes.Group> groups = new ArrayList<>();
        for (int k = 0; k < order.size(); k++) {
            groups.add(new SampleShapes.Group(parentGroups.get(order.get(k)).shapes(), counts.get(k)));
        }
        return new Groups(new SampleShapes(groups), groupOf);
    }

    /** SHA-256 of the parent's fingerprint and the selection. */
    @Override
    public String fingerprint() {
        return fingerprint.get();
    }

    private String computeFingerprint() {
        return Fingerprint.of("subset").add("parent", parent.fingerprint()).add("selection", selection)
                .add("size", indices.length).hex();
    }

    @Override
    public String toString() {
        return "Subset[" + indices.length + " of " + parent + ", " + selection + "]";
    }
}
