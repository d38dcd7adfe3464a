package org.quant4j.api.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.BatchLayout.DeclaredInput;

class BatchLayoutTest {

    private static final long Q = -1;

    @Test
    void aRecurrentStateTakesItsBatchOnItsOnlyDynamicAxisAndAScalarHasNone() {
        // silero-vad v5: input [?, 512], state [2, ?, 128], sr (a scalar), no dimension names.
        BatchLayout layout = BatchLayout.of(List.of(DeclaredInput.of("input", Q, 512),
                DeclaredInput.of("state", 2, Q, 128), DeclaredInput.of("sr")), Map.of());
        assertEquals(Map.of("input", 0, "state", 1, "sr", BatchLayout.NONE), layout.axes());
        assertEquals(OptionalInt.empty(), layout.fixedBatch());
        assertEquals(32, layout.batchSize(32));
        assertEquals(List.of(2L, 128L), boxed(layout.sampleShape("state")));
        assertEquals(List.of(), boxed(layout.sampleShape("sr")));
    }

    @Test
    void aSharedDimensionNameChoosesAmongSeveralDynamicAxes() {
        // [seq, batch, hidden] beside [batch, seq]: "batch" is on a dynamic axis of both inputs.
        BatchLayout layout = BatchLayout.of(List.of(
                new DeclaredInput("h", new long[] {Q, Q, 64}, new String[] {"seq", "batch", ""}),
                new DeclaredInput("ids", new long[] {Q, Q}, new String[] {"batch", "len"})), Map.of());
        assertEquals(1, layout.axis("h"));
        assertEquals(0, layout.axis("ids"));
        assertEquals(1, layout.outputAxis(new DeclaredInput("h_out", new long[] {Q, Q, 64},
                new String[] {"seq", "batch", ""})), "an output follows the inputs' batch name");
        assertEquals(1, layout.outputAxis(DeclaredInput.of("state_out", 2, Q, 128)));
    }

    @Test
    void anImageOfAnyWidthTakesItsBatchFirst() {
        BatchLayout layout = BatchLayout.ofShapes(List.of(new long[] {Q, 3, 48, Q}));
        assertEquals(0, layout.axis("input0"));
        assertEquals(List.of(3L, 48L, Q), boxed(layout.sampleShape("input0")));
    }

    @Test
    void fixedBatchesFollowTheModel() {
        assertEquals(1, BatchLayout.ofShapes(List.of(new long[] {1, 16, 96})).batchSize(32));
        assertEquals(8, BatchLayout.ofShapes(List.of(new long[] {8, 3, 64, 64})).batchSize(4));
        assertEquals(OptionalInt.of(2), BatchLayout.ofShapes(List.of(new long[] {2, 5}, new long[] {4})).fixedBatch(),
                "the smallest fixed batch axis");
        BatchLayout state = BatchLayout.ofShapes(List.of(new long[] {Q, 64}, new long[] {2, 1, 128}));
        assertEquals(BatchLayout.NONE, state.axis("input1"), "a fixed state beside a dynamic batch is fed unbatched");
        assertEquals(OptionalInt.empty(), state.fixedBatch());
        BatchLayout fixedState = BatchLayout.of(List.of(DeclaredInput.of("x", 1, 64), DeclaredInput.of("s", 2, 1, 128),
                DeclaredInput.of("sr")), Map.of("s", 1));
        assertEquals(OptionalInt.of(1), fixedState.fixedBatch());
        assertEquals(1, fixedState.axis("s"));
        assertEquals(BatchLayout.NONE, fixedState.axis("sr"));
    }

    @Test
    void anAmbiguousInputNeedsItsAxisGiven() {
        List<DeclaredInput> inputs = List.of(DeclaredInput.of("kv", 2, Q, Q));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> BatchLayout.of(inputs, Map.of()));
        assertTrue(e.getMessage().contains("--batch-axis kv=AXIS") && e.getMessage().contains("[1, 2]"),
                e.getMessage());
        assertEquals(2, BatchLayout.of(inputs, Map.of("kv", 2)).axis("kv"));
        assertThrows(InvalidInputException.class, () -> BatchLayout.of(inputs, Map.of("kv", 3)));
        assertThrows(InvalidInputException.class, () -> BatchLayout.of(inputs, Map.of("other", 0)));
    }

    private static List<Long> boxed(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}
