package org.quant4j.api.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.BatchLayout.DeclaredInput;

class ModelBatchesTest {

    /**
     * Samples of a stateful model: x of width {@code widths[i]}, state [2, 3] (value of element e
     * of sample i: 100 i + e), and a scalar sr of {@code rates[i]}. Samples of one width are one
     * shape group.
     */
    private static Dataset stateful(int[] widths, long[] rates) {
        List<Integer> distinct = java.util.Arrays.stream(widths).distinct().boxed().toList();
        return new UnlabelledNamedData() {
            @Override
            public int size() {
                return widths.length;
            }

            @Override
            public List<InputSpec> inputs() {
                return List.of(new InputSpec("x", ElementType.FLOAT32, new int[] {widths[0]}),
                        new InputSpec("state", ElementType.FLOAT32, new int[] {2, 3}),
                        new InputSpec("sr", ElementType.INT64, new int[0]));
            }

            @Override
            public SampleShapes sampleShapes() {
                List<SampleShapes.Group> groups = new ArrayList<>();
                for (int w : distinct) {
                    int count = (int) java.util.Arrays.stream(widths).filter(v -> v == w).count();
                    groups.add(new SampleShapes.Group(Map.of("x", new int[] {w}), count));
                }
                return new SampleShapes(groups);
            }

            @Override
            public int shapeGroup(int index) {
                return distinct.indexOf(widths[index]);
            }

            @Override
            public NamedBatch namedBatch(int[] indices, String singleInput) {
                int w = widths[indices[0]];
                float[] x = new float[indices.length * w];
                float[] state = new float[indices.length * 6];
                long[] sr = new long[indices.length];
                for (int i = 0; i < indices.length; i++) {
                    assertEquals(w, widths[indices[i]], "one batch, one shape");
                    for (int e = 0; e < w; e++) {
                        x[i * w + e] = indices[i];
                    }
                    for (int e = 0; e < 6; e++) {
                        state[i * 6 + e] = 100 * indices[i] + e;
                    }
                    sr[i] = rates[indices[i]];
                }
                Map<String, Tensor> t = new LinkedHashMap<>();
                t.put("x", Tensor.ofFloats(x, indices.length, w));
                t.put("state", Tensor.ofFloats(state, indices.length, 2, 3));
                t.put("sr", Tensor.ofLongs(sr, indices.length));
                return new NamedBatch(t, indices.length, Optional.empty());
            }

        };
    }

    private static final BatchLayout LAYOUT = BatchLayout.of(List.of(DeclaredInput.of("x", -1, -1),
            DeclaredInput.of("state", 2, -1, 3), DeclaredInput.of("sr")), Map.of("x", 0));

    @Test
    void samplesGoToEachInputsBatchAxisGroupedByShape() {
        // Widths 4, 6, 4, 6, 4: the 4-wide samples 0, 2, 4 form batches [0, 2] and [4], then [1, 3].
        Dataset data = stateful(new int[] {4, 6, 4, 6, 4}, new long[] {16000, 16000, 16000, 16000, 16000});
        ModelBatches batches = ModelBatches.of(data, LAYOUT, 2);
        List<NamedBatch> all = new ArrayList<>();
        batches.forEachRemaining(all::add);
        assertEquals(3, all.size());
        assertArrayEquals(new long[] {2, 4}, all.get(0).tensor("x").shape());
        assertArrayEquals(new long[] {1, 4}, all.get(1).tensor("x").shape());
        assertArrayEquals(new long[] {2, 6}, all.get(2).tensor("x").shape());
        // state [2, N, 3]: element (r, n, c) is sample n's element r * 3 + c.
        NamedBatch first = all.get(0);
        assertArrayEquals(new long[] {2, 2, 3}, first.tensor("state").shape());
        assertEquals(1, first.batchAxis("state"));
        float[] state = new float[12];
        first.tensor("state").floats().get(state);
        assertArrayEquals(new float[] {0, 1, 2, 200, 201, 202, 3, 4, 5, 203, 204, 205}, state);
        assertArrayEquals(new long[0], first.tensor("sr").shape(), "the scalar is fed unbatched");
        assertEquals(16000, first.tensor("sr").longs().get(0));
        assertEquals(0, batches.leftOut());
    }

    @Test
    void anUnbatchedInputMustHoldOneValuePerBatch() {
        Dataset data = stateful(new int[] {4, 4}, new long[] {16000, 8000});
        ModelBatches batches = ModelBatches.of(data, LAYOUT, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class, batches::next);
        assertTrue(e.getMessage().contains("'sr'") && e.getMessage().contains("samples 0 and 1"), e.getMessage());
        assertEquals(2, countBatches(ModelBatches.of(data, LAYOUT, 1)), "one sample per batch always works");
    }

    @Test
    void aFixedBatchTakesFullBatchesOfEachShapeOnly() {
        BatchLayout fixed = BatchLayout.of(List.of(DeclaredInput.of("x", 2, -1), DeclaredInput.of("state", 2, 2, 3),
                DeclaredInput.of("sr")), Map.of("state", 1));
        Dataset data = stateful(new int[] {4, 6, 4, 6, 4}, new long[] {1, 1, 1, 1, 1});
        ModelBatches batches = ModelBatches.of(data, fixed, 32);
        assertEquals(2, batches.batchSize());
        assertEquals(1, batches.leftOut(), "the third 4-wide sample fills no batch");
        assertEquals(2, countBatches(batches));
        assertFalse(batches.hasNext());
    }

    @Test
    void moveAxisMatchesNumpy() {
        // numpy.moveaxis(numpy.arange(24).reshape(2, 3, 4), 0, 2)[i, j, k] == a[k, i, j]
        float[] a = new float[24];
        for (int i = 0; i < 24; i++) {
            a[i] = i;
        }
        Tensor t = Tensor.ofFloats(a, 2, 3, 4).moveAxis(0, 2);
        assertArrayEquals(new long[] {3, 4, 2}, t.shape());
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 4; j++) {
                for (int k = 0; k < 2; k++) {
                    assertEquals(k * 12 + i * 4 + j, t.floats().get(i * 8 + j * 2 + k));
                }
            }
        }
        Tensor back = t.moveAxis(2, 0);
        assertEquals(Tensor.ofFloats(a, 2, 3, 4), back);
        Tensor joined = Tensor.concat(List.of(Tensor.ofBytes(ElementType.UINT8, new byte[] {1, 2}, 1, 2),
                Tensor.ofBytes(ElementType.UINT8, new byte[] {3, 4}, 1, 2)));
        assertEquals(Tensor.ofBytes(ElementType.UINT8, new byte[] {1, 2, 3, 4}, 2, 2), joined);
    }

    private static int countBatches(ModelBatches batches) {
        int n = 0;
        while (batches.hasNext()) {
            batches.next();
            n++;
        }
        return n;
    }
}
