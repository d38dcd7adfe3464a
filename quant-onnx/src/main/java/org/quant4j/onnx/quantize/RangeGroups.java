package org.quant4j.onnx.quantize;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.TensorRange;

/**
 * Activation tensors that must share quantization parameters (a pass-through op's input and
 * output), as disjoint groups, and the range and parameters of each group: a group's range is its
 * fixed-range override if a member has one, else the union of its members' calibrated ranges.
 */
final class RangeGroups {

    private final QdqOverrides overrides;
    private final Map<String, TensorRange> observed;
    private final Map<String, String> parent = new HashMap<>();

    /**
     * @param observed calibrated ranges of the tensors
     */
    RangeGroups(QdqOverrides overrides, Map<String, TensorRange> observed) {
        this.overrides = overrides;
        this.observed = observed;
    }

    /** Puts {@code a} and {@code b} (and the tensors already grouped with either) into one group. */
    void join(String a, String b) {
        String ra = root(a);
        String rb = root(b);
        if (!ra.equals(rb)) {
            parent.put(rb, ra);
        }
    }

    /** The tensor that stands for the group of {@code t}. */
    String root(String t) {
        String p = parent.getOrDefault(t, t);
        if (p.equals(t)) {
            return t;
        }
        String root = root(p);
        parent.put(t, root);
        return root;
    }

    /** The groups among {@code tensors}, each in the order of {@code tensors}, in order of their first member. */
    List<List<String>> groups(Collection<String> tensors) {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (String t : tensors) {
            groups.computeIfAbsent(root(t), k -> new ArrayList<>()).add(t);
        }
        return List.copyOf(groups.values());
    }

    /**
     * The range of a group: the fixed range of its members' overrides, else the union of their
     * calibrated ranges.
     *
     * @throws InvalidInputException when two members' overrides fix different ranges
     */
    TensorRange range(List<String> members) {
        TensorRange fixed = null;
        TensorRange union = null;
        for (String t : members) {
            Optional<TensorRange> f = overrides.fixedRange(t);
            if (f.isPresent()) {
                if (fixed != null && !fixed.equals(f.get())) {
                    throw new InvalidInputException("Tensors '" + t + "' and others share quantization parameters"
                            + " (a pass-through op joins them) but their overrides fix different ranges " + fixed
                            + " and " + f.get() + ": give them the same range");
                }
                fixed = f.get();
            }
            TensorRange r = observed.get(t);
            if (r != null) {
                union = union == null ? r
                        : new TensorRange(Math.min(union.min(), r.min()), Math.max(union.max(), r.max()));
            }
        }
        if (fixed == null && union == null) {
            throw new IllegalStateException("No range for the group of tensor '" + root(members.get(0)) + "': it was"
                    + " neither calibrated nor fixed by an override");
        }
        return fixed != null ? fixed : union;
    }

    /** The range of the group of every one of {@code tensors}, by tensor, in their order. */
    Map<String, TensorRange> ranges(Collection<String> tensors) {
        Map<String, TensorRange> byGroup = new HashMap<>();
        groups(tensors).forEach(g -> byGroup.put(root(g.get(0)), range(g)));
        Map<String, TensorRange> r = new LinkedHashMap<>();
        for (String t : tensors) {
            r.put(t, byGroup.get(root(t)));
        }
        return r;
    }

    /** The parameters of every one of {@code tensors}, one set per group, by tensor in group order. */
    Map<String, QuantParams> params(Collection<String> tensors) {
        Map<String, QuantParams> params = new LinkedHashMap<>();
        for (List<String> members : groups(tensors)) {
            QuantParams q = QuantParams.forRange(range(members), overrides.sharedScheme(members));
            members.forEach(t -> params.put(t, q));
        }
        return params;
    }
}
