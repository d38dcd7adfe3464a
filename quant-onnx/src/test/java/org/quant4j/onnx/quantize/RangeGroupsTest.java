package org.quant4j.onnx.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorOverride;
import org.quant4j.api.TensorRange;

class RangeGroupsTest {

    private static final Map<String, TensorRange> OBSERVED = Map.of("a", new TensorRange(-1, 2), "b",
            new TensorRange(0, 3), "c", new TensorRange(-0.5, 1), "d", new TensorRange(0, 1));

    private static RangeGroups groups(QuantizationConfig config) {
        return new RangeGroups(new QdqOverrides(config), OBSERVED);
    }

    @Test
    void joinedTensorsFormOneGroupInTheOrderGiven() {
        RangeGroups g = groups(QuantizationConfig.builder().build());
        g.join("a", "b");
        g.join("b", "c");

        assertEquals(List.of(List.of("a", "c", "b"), List.of("d")), g.groups(List.of("a", "d", "c", "b")));
    }

    @Test
    void aGroupsRangeIsTheUnionOfItsMembers() {
        RangeGroups g = groups(QuantizationConfig.builder().build());
        g.join("a", "c");

        assertEquals(new TensorRange(-1, 2), g.range(List.of("a", "c")));
        assertEquals(Map.of("a", new TensorRange(-1, 2), "c", new TensorRange(-1, 2), "d", new TensorRange(0, 1)),
                g.ranges(List.of("a", "c", "d")));
    }

    @Test
    void membersShareOneSetOfParameters() {
        RangeGroups g = groups(QuantizationConfig.builder().build());
        g.join("b", "d");
        Map<String, QuantParams> params = g.params(List.of("b", "d"));

        assertSame(params.get("b"), params.get("d"));
        // uint8 asymmetric over [0, 3]
        assertEquals(3f / 255, params.get("b").scale(0), 1e-9);
        assertEquals(0, params.get("b").zeroPoint(0));
    }

    @Test
    void aFixedRangeOfOneMemberWinsOverCalibration() {
        RangeGroups g = groups(QuantizationConfig.builder()
                .tensorOverride("b", TensorOverride.withRange(new TensorRange(0, 6))).build());
        g.join("a", "b");

        assertEquals(new TensorRange(0, 6), g.range(List.of("a", "b")));
    }

    @Test
    void differentFixedRangesInOneGroupAreRefused() {
        RangeGroups g = groups(QuantizationConfig.builder()
                .tensorOverride("a", TensorOverride.withRange(new TensorRange(0, 6)))
                .tensorOverride("b", TensorOverride.withRange(new TensorRange(0, 4))).build());
        g.join("a", "b");

        assertThrows(InvalidInputException.class, () -> g.range(List.of("a", "b")));
    }
}
