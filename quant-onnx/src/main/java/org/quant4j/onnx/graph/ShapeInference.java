package org.quant4j.onnx.graph;

import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.quant4j.onnx.ops.OpSpec;
import org.quant4j.onnx.ops.OpTable;

/**
 * Shapes of a graph's tensors for a batch of samples, inferred from the shape of its single data
 * input by the rules of the common CNN and MLP ops. Dimension 0 of every inferred shape is the batch
 * ({@link TensorInfo#DYNAMIC}); every other dimension is known. A tensor whose shape does not follow
 * from these rules (an op not listed, a Reshape, a Flatten that folds the batch into another axis,
 * a missing attribute or weight shape) is left out, and so is everything computed from it.
 *
 * <p>Ops (each op's {@link org.quant4j.onnx.ops.OpSpec.ShapeRule} in {@link OpTable}): unary elementwise ops and BatchNormalization (shape unchanged); Add, Sub, Mul, Div, Max,
 * Min, Pow with numpy broadcasting against constants or other batch tensors; Conv (pads, strides,
 * dilations, {@code auto_pad}); MaxPool and AveragePool (not with {@code ceil_mode}); GlobalAveragePool and
 * GlobalMaxPool; Flatten on axis 1; Gemm with a constant B; MatMul by a constant matrix; Concat on an
 * axis other than the batch.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /**
     * The shapes that can be inferred, by tensor name; empty when the graph does not have exactly one
     * non-constant input of known rank whose dimensions after the batch are known.
     */
    public static Map<String, long[]> infer(Graph graph) {
        Map<String, long[]> shapes = new HashMap<>();
        List<TensorInfo> inputs = graph.inputs().stream().filter(i -> !graph.isInitializer(i.name())).toList();
        if (inputs.size() != 1) {
            return Map.of();
        }
        Optional<long[]> declared = inputs.get(0).shape();
        if (declared.isEmpty() || declared.get().length == 0
                || Arrays.stream(declared.get()).skip(1).anyMatch(d -> d <= 0)) {
            return Map.of();
        }
        long[] input = declared.get().clone();
        input[0] = TensorInfo.DYNAMIC;
        shapes.put(inputs.get(0).name(), input);
        for (Node n : graph.nodes()) {
            if (!n.domain().isEmpty() || n.outputs().isEmpty() || n.output(0).isEmpty()) {
                continue;
            }
            long[] out = output(graph, n, shapes);
            if (out != null) {
                shapes.put(n.output(0), out);
            }
        }
        return Collections.unmodifiableMap(shapes);
    }

    /** Number of values per sample of a shape whose dimension 0 is the batch. */
    public static long valuesPerSample(long[] shape) {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n = Math.multiplyExact(n, shape[i]);
        }
        return n;
    }

    private static long[] output(Graph g, Node n, Map<String, long[]> shapes) {
        long[] x = n.inputs().isEmpty() ? null : shapes.get(n.input(0));
        OpSpec spec = OpTable.get(n.opType());
        return switch (spec.shape()) {
            case SAME -> x;
            case BROADCAST -> broadcast(g, n, shapes);
            case UNKNOWN -> null;
            default -> x == null ? null : switch (spec.shape()) {
                case CONV -> conv(g, n, x);
                case POOL -> pool(n, x);
                case GLOBAL_POOL -> global(x);
                case FLATTEN -> flatten(n, x);
                case GEMM -> gemm(g, n, spec, x);
                case MATMUL -> matMul(g, n, x);
                case CONCAT -> concat(n, shapes);
                default -> null;
            };
        };
    }

    /** Dimensions of a constant initializer (no batch axis). */
    private static long[] constant(Graph g, String name) {
        return g.initializer(name).map(TensorProtos::dims).orElse(null);
    }

    private static long[] broadcast(Graph g, Node n, Map<String, long[]> shapes) {
        long[] result = null;
        boolean batch = false;
        for (String in : n.inputs()) {
            long[] s = shapes.get(in);
            boolean isBatch = s != null;
            if (s == null) {
                s = constant(g, in);
            }
            if (s == null) {
                return null;
            }
            batch |= isBatch;
            result = result == null ? s.clone() : broadcast(result, s);
            if (result == null) {
                return null;
            }
        }
        // A constant as long as the batch tensor with a first dimension other than 1 would be a batch
        // of its own: not inferred.
        return batch && result != null && result.length > 0 && result[0] == TensorInfo.DYNAMIC ? result : null;
    }

    /** Numpy broadcasting; {@link TensorInfo#DYNAMIC} (the batch) meets only 1 or itself. */
    private static long[] broadcast(long[] a, long[] b) {
        int rank = Math.max(a.length, b.length);
        long[] r = new long[rank];
        for (int i = 0; i < rank; i++) {
            long da = i < rank - a.length ? 1 : a[i - (rank - a.length)];
            long db = i < rank - b.length ? 1 : b[i - (rank - b.length)];
            if (da == db || db == 1) {
                r[i] = da;
            } else if (da == 1) {
                r[i] = db;
            } else {
                return null;
            }
        }
        return r;
    }

    private static long[] conv(Graph g, Node n, long[] x) {
        long[] w = constant(g, n.input(1));
        if (w == null || w.length != x.length || x.length < 3) {
            return null;
        }
        long[] kernel = Arrays.copyOfRange(w, 2, w.length);
        long[] out = spatial(n, x, kernel);
        if (out != null) {
            out[1] = w[0];
        }
        return out;
    }

    private static long[] pool(Node n, long[] x) {
        Optional<long[]> kernel = n.intsAttribute("kernel_shape");
        if (kernel.isEmpty() || x.length < 3 || n.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
            return null;
        }
        if (n.intAttribute("ceil_mode", 0) != 0) {
            return null; // ONNX Runtime drops a last window that would start in the padding: not modelled
        }
        return spatial(n, x, kernel.get());
    }

    /** Output shape of a sliding window over the spatial axes of {@code x} (channels kept). */
    private static long[] spatial(Node n, long[] x, long[] kernel) {
        int dims = x.length - 2;
        if (kernel.length != dims) {
            return null;
        }
        long[] strides = n.intsAttribute("strides").orElse(filled(dims, 1));
        long[] dilations = n.intsAttribute("dilations").orElse(filled(dims, 1));
        long[] pads = n.intsAttribute("pads").orElse(filled(2 * dims, 0));
        String autoPad = n.stringAttribute("auto_pad", "NOTSET");
        if (strides.length != dims || dilations.length != dims || pads.length != 2 * dims) {
            return null;
        }
        long[] out = x.clone();
        for (int i = 0; i < dims; i++) {
            long in = x[i + 2];
            long extent = dilations[i] * (kernel[i] - 1) + 1;
            long size = switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> Math.floorDiv(in + strides[i] - 1, strides[i]);
                case "VALID" -> Math.floorDiv(in - extent, strides[i]) + 1;
                case "NOTSET" -> {
                    long span = in + pads[i] + pads[i + dims] - extent;
                    yield Math.floorDiv(span, strides[i]) + 1;
                }
                default -> -1;
            };
            if (size <= 0) {
                return null;
            }
            out[i + 2] = size;
        }
        return out;
    }

    private static long[] global(long[] x) {
        if (x.length < 3) {
            return null;
        }
        long[] out = x.clone();
        Arrays.fill(out, 2, out.length, 1);
        return out;
    }

    private static long[] flatten(Node n, long[] x) {
        long axis = n.intAttribute("axis", 1);
        if (axis < 0) {
            axis += x.length;
        }
        // Axis 0 or above 1 would fold the batch into another dimension; only axis 1 keeps it apart.
        return axis == 1 ? new long[] {TensorInfo.DYNAMIC, valuesPerSample(x)} : null;
    }

    private static long[] gemm(Graph g, Node n, OpSpec spec, long[] a) {
        long[] b = constant(g, n.input(spec.weightInput()));
        if (a.length != 2 || b == null || b.length != 2 || n.intAttribute("transA", 0) != 0) {
            return null;
        }
        return new long[] {TensorInfo.DYNAMIC, b[spec.weightAxis(n, b.length)]};
    }

    private static long[] matMul(Graph g, Node n, long[] a) {
        long[] b = constant(g, n.input(1));
        if (b == null || b.length != 2 || a.length < 2 || a[a.length - 1] != b[0]) {
            return null;
        }
        long[] out = a.clone();
        out[out.length - 1] = b[1];
        return out;
    }

    private static long[] concat(Node n, Map<String, long[]> shapes) {
        long[] first = shapes.get(n.input(0));
        long axis = n.intAttribute("axis", 1);
        if (axis < 0) {
            axis += first.length;
        }
        if (axis <= 0 || axis >= first.length) {
            return null;
        }
        long[] out = first.clone();
        out[(int) axis] = 0;
        for (String in : n.inputs()) {
            long[] s = shapes.get(in);
            if (s == null || s.length != first.length) {
                return null;
            }
            for (int i = 0; i < s.length; i++) {
                if (i != axis && s[i] != first[i]) {
                    return null;
                }
            }
            out[(int) axis] += s[(int) axis];
        }
        return out;
    }

    private static long[] filled(int n, long value) {
        long[] a = new long[n];
        Arrays.fill(a, value);
        return a;
    }
}
