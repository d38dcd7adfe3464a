package org.quant4j.onnx.transform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.transform.ConstantSubgraphFolding.Unsupported;

/** The ONNX ops that {@link ConstantSubgraphFolding} evaluates, on {@link ConstantTensor}s, as the ONNX spec defines them. */
final class ConstantOps {

    private ConstantOps() {
    }

    /** Add, Sub, Mul or Div with numpy broadcasting; integer division truncates toward zero, as ONNX Runtime's. */
    static ConstantTensor binary(String op, ConstantTensor a, ConstantTensor b) {
        if (a.type() != b.type()) {
            throw new Unsupported("its inputs have different element types: " + a + " and " + b);
        }
        long[] out = broadcast(a.dims(), b.dims());
        int n = Math.toIntExact(FloatTensor.elementCount(out));
        int[] ia = broadcastIndex(a.dims(), out);
        int[] ib = broadcastIndex(b.dims(), out);
        if (a.isFloat()) {
            float[] v = new float[n];
            for (int i = 0; i < n; i++) {
                float x = a.floatAt(ia[i]);
                float y = b.floatAt(ib[i]);
                v[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    default -> x / y;
                };
            }
            return ConstantTensor.ofFloats(out, v);
        }
        long[] v = new long[n];
        for (int i = 0; i < n; i++) {
            long x = a.longAt(ia[i]);
            long y = b.longAt(ib[i]);
            long r = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                default -> {
                    if (y == 0) {
                        throw new Unsupported("it divides an integer by zero");
                    }
                    yield x / y;
                }
            };
            v[i] = a.type() == ConstantTensor.INT32 ? (int) r : r;
        }
        return ConstantTensor.ofInts(a.type(), out, v);
    }

    /** The numpy broadcast of two shapes. */
    static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i - (rank - a.length) >= 0 ? a[i - (rank - a.length)] : 1;
            long db = i - (rank - b.length) >= 0 ? b[i - (rank - b.length)] : 1;
            if (da != db && da != 1 && db != 1) {
                throw new Unsupported("shapes " + Arrays.toString(a) + " and " + Arrays.toString(b)
                        + " do not broadcast");
            }
            out[i] = da == 1 ? db : da;
        }
        return out;
    }

    /** For each element of {@code out}, the flat index of the element of a tensor of shape {@code dims} it reads. */
    private static int[] broadcastIndex(long[] dims, long[] out) {
        int n = Math.toIntExact(FloatTensor.elementCount(out));
        int offset = out.length - dims.length;
        long[] strides = ConstantTensor.strides(dims);
        long[] outStrides = ConstantTensor.strides(out);
        int[] idx = new int[n];
        for (int i = 0; i < n; i++) {
            long flat = 0;
            for (int d = 0; d < dims.length; d++) {
                long coord = (i / outStrides[d + offset]) % out[d + offset];
                flat += (dims[d] == 1 ? 0 : coord) * strides[d];
            }
            idx[i] = (int) flat;
        }
        return idx;
    }

    /** Transpose by {@code perm} (reversed axes when null). */
    static ConstantTensor transpose(ConstantTensor x, long[] perm) {
        long[] dims = x.dims();
        int rank = dims.length;
        long[] p = perm;
        if (p == null) {
            p = new long[rank];
            for (int i = 0; i < rank; i++) {
                p[i] = rank - 1 - i;
            }
        }
        if (p.length != rank) {
            throw new Unsupported("perm " + Arrays.toString(p) + " does not match rank " + rank);
        }
        long[] out = new long[rank];
        for (int i = 0; i < rank; i++) {
            out[i] = dims[(int) p[i]];
        }
        long[] inStrides = ConstantTensor.strides(dims);
        long[] outStrides = ConstantTensor.strides(out);
        int n = x.size();
        int[] from = new int[n];
        for (int i = 0; i < n; i++) {
            long flat = 0;
            for (int d = 0; d < rank; d++) {
                long coord = (i / outStrides[d]) % out[d];
                flat += coord * inStrides[(int) p[d]];
            }
            from[i] = (int) flat;
        }
        return x.take(from, out);
    }

    /** Reshape: 0 copies the input dimension (unless {@code allowZero}), -1 is inferred. */
    static ConstantTensor reshape(ConstantTensor x, long[] shape, boolean allowZero) {
        long[] dims = x.dims();
        long[] out = shape.clone();
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                if (i >= dims.length) {
                    throw new Unsupported("shape " + Arrays.toString(shape) + " copies a dimension the input lacks");
                }
                out[i] = dims[i];
            }
            if (out[i] == -1) {
                if (inferred >= 0) {
                    throw new Unsupported("shape " + Arrays.toString(shape) + " has two -1");
                }
                inferred = i;
            } else {
                known *= out[i];
            }
        }
        if (inferred >= 0) {
            if (known == 0 || x.size() % known != 0) {
                throw new Unsupported("cannot infer the -1 of " + Arrays.toString(shape) + " for " + x);
            }
            out[inferred] = x.size() / known;
        }
        if (FloatTensor.elementCount(out) != x.size()) {
            throw new Unsupported("shape " + Arrays.toString(shape) + " does not fit " + x);
        }
        return x.reshaped(out);
    }

    /** Gather along {@code axis}; negative indices count from the end. */
    static ConstantTensor gather(ConstantTensor data, ConstantTensor indices, int axis) {
        if (indices.isFloat()) {
            throw new Unsupported("its indices are not integers");
        }
        long[] dims = data.dims();
        int a = (int) ConstantSubgraphFolding.axis(axis, dims.length, false);
        long[] idx = indices.longs();
        long outer = FloatTensor.elementCount(Arrays.copyOfRange(dims, 0, a));
        long inner = FloatTensor.elementCount(Arrays.copyOfRange(dims, a + 1, dims.length));
        long[] out = concatDims(Arrays.copyOfRange(dims, 0, a), indices.dims(),
                Arrays.copyOfRange(dims, a + 1, dims.length));
        int[] from = new int[Math.toIntExact(outer * idx.length * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long j : idx) {
                long i = j < 0 ? j + dims[a] : j;
                if (i < 0 || i >= dims[a]) {
                    throw new Unsupported("index " + j + " is out of range for dimension " + dims[a]);
                }
                for (long in = 0; in < inner; in++) {
                    from[k++] = (int) ((o * dims[a] + i) * inner + in);
                }
            }
        }
        return data.take(from, out);
    }

    /** Concat along {@code axis}. */
    static ConstantTensor concat(List<ConstantTensor> inputs, int axis) {
        List<ConstantTensor> parts = inputs.stream().filter(t -> t != null).toList();
        ConstantTensor first = parts.get(0);
        int rank = first.rank();
        int a = (int) ConstantSubgraphFolding.axis(axis, rank, false);
        long total = 0;
        for (ConstantTensor t : parts) {
            if (t.type() != first.type() || t.rank() != rank) {
                throw new Unsupported("its inputs " + first + " and " + t + " do not concatenate");
            }
            for (int d = 0; d < rank; d++) {
                if (d != a && t.dims()[d] != first.dims()[d]) {
                    throw new Unsupported("its inputs " + first + " and " + t + " do not concatenate");
                }
            }
            total += t.dims()[a];
        }
        long[] out = first.dims();
        out[a] = total;
        long outer = FloatTensor.elementCount(Arrays.copyOfRange(out, 0, a));
        // Stack all parts into one flat tensor, then take their blocks in order.
        List<Integer> from = new ArrayList<>();
        int[] base = new int[parts.size()];
        for (int p = 1; p < parts.size(); p++) {
            base[p] = base[p - 1] + parts.get(p - 1).size();
        }
        for (long o = 0; o < outer; o++) {
            for (int p = 0; p < parts.size(); p++) {
                long block = parts.get(p).size() / Math.max(1, outer);
                for (long i = 0; i < block; i++) {
                    from.add((int) (base[p] + o * block + i));
                }
            }
        }
        return stacked(parts).take(from.stream().mapToInt(Integer::intValue).toArray(), out);
    }

    private static ConstantTensor stacked(List<ConstantTensor> parts) {
        int n = parts.stream().mapToInt(ConstantTensor::size).sum();
        if (parts.get(0).isFloat()) {
            float[] v = new float[n];
            int k = 0;
            for (ConstantTensor t : parts) {
                for (int i = 0; i < t.size(); i++) {
                    v[k++] = t.floatAt(i);
                }
            }
            return ConstantTensor.ofFloats(new long[] {n}, v);
        }
        long[] v = new long[n];
        int k = 0;
        for (ConstantTensor t : parts) {
            for (int i = 0; i < t.size(); i++) {
                v[k++] = t.longAt(i);
            }
        }
        return ConstantTensor.ofInts(parts.get(0).type(), new long[] {n}, v);
    }

    /** Inserts dimensions of size 1 at {@code axes} (of the output rank). */
    static ConstantTensor unsqueeze(ConstantTensor x, long[] axes) {
        if (axes == null) {
            throw new Unsupported("it has no axes");
        }
        int rank = x.rank() + axes.length;
        boolean[] inserted = new boolean[rank];
        for (long axis : axes) {
            int a = (int) ConstantSubgraphFolding.axis(axis, rank, false);
            if (inserted[a]) {
                throw new Unsupported("axis " + axis + " is listed twice");
            }
            inserted[a] = true;
        }
        long[] out = new long[rank];
        long[] dims = x.dims();
        for (int i = 0, j = 0; i < rank; i++) {
            out[i] = inserted[i] ? 1 : dims[j++];
        }
        return x.reshaped(out);
    }

    /** Removes the dimensions of size 1 at {@code axes}, or all of them when {@code axes} is null. */
    static ConstantTensor squeeze(ConstantTensor x, long[] axes) {
        long[] dims = x.dims();
        boolean[] removed = new boolean[dims.length];
        if (axes == null) {
            for (int i = 0; i < dims.length; i++) {
                removed[i] = dims[i] == 1;
            }
        } else {
            for (long axis : axes) {
                int a = (int) ConstantSubgraphFolding.axis(axis, dims.length, false);
                if (dims[a] != 1) {
                    throw new Unsupported("axis " + axis + " of " + x + " is not 1");
                }
                removed[a] = true;
            }
        }
        long[] out = new long[dims.length];
        int k = 0;
        for (int i = 0; i < dims.length; i++) {
            if (!removed[i]) {
                out[k++] = dims[i];
            }
        }
        return x.reshaped(Arrays.copyOf(out, k));
    }

    /** Slice with ONNX's clamping of starts and ends per axis. */
    static ConstantTensor slice(ConstantTensor x, long[] starts, long[] ends, long[] axes, long[] steps) {
        long[] dims = x.dims();
        int rank = dims.length;
        if (ends.length != starts.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw new Unsupported("its starts, ends, axes and steps differ in length");
        }
        long[] first = new long[rank];
        long[] step = new long[rank];
        long[] count = dims.clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int a = (int) ConstantSubgraphFolding.axis(axes == null ? i : axes[i], rank, false);
            long s = steps == null ? 1 : steps[i];
            if (s == 0) {
                throw new Unsupported("a step is 0");
            }
            long dim = dims[a];
            long start = starts[i] < 0 ? starts[i] + dim : starts[i];
            long end = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (s > 0) {
                start = ConstantSubgraphFolding.clamp(start, 0, dim);
                end = ConstantSubgraphFolding.clamp(end, 0, dim);
                count[a] = Math.max(0, (end - start + s - 1) / s);
            } else {
                start = ConstantSubgraphFolding.clamp(start, 0, dim - 1);
                end = ConstantSubgraphFolding.clamp(end, -1, dim - 1);
                count[a] = Math.max(0, (start - end - s - 1) / -s);
            }
            first[a] = start;
            step[a] = s;
        }
        long[] inStrides = ConstantTensor.strides(dims);
        long[] outStrides = ConstantTensor.strides(count);
        int n = Math.toIntExact(FloatTensor.elementCount(count));
        int[] from = new int[n];
        for (int i = 0; i < n; i++) {
            long flat = 0;
            for (int d = 0; d < rank; d++) {
                long coord = (i / outStrides[d]) % count[d];
                flat += (first[d] + coord * step[d]) * inStrides[d];
            }
            from[i] = (int) flat;
        }
        return x.take(from, count);
    }

    private static long[] concatDims(long[]... parts) {
        return Arrays.stream(parts).flatMapToLong(Arrays::stream).toArray();
    }
}
