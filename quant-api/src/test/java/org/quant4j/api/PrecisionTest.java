package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class PrecisionTest {

    @ParameterizedTest
    @CsvSource({
        // two's complement for signed n bits: [-2^(n-1), 2^(n-1) - 1]; unsigned: [0, 2^n - 1]
        "INT8, -128, 127, 8, true",
        "UINT8, 0, 255, 8, false",
        "INT4, -8, 7, 4, true",
        "UINT4, 0, 15, 4, false",
    })
    void integerRangesFollowTheBitWidth(Precision p, int qmin, int qmax, int bits, boolean signed) {
        assertEquals(qmin, p.qmin());
        assertEquals(qmax, p.qmax());
        assertEquals(bits, p.bits());
        assertEquals(signed, p.isSigned());
        assertTrue(p.isInteger());
    }

    @ParameterizedTest
    @EnumSource(value = Precision.class, names = {"FP32", "FP16", "BF16"})
    void floatingPrecisionsHaveNoIntegerRange(Precision p) {
        assertFalse(p.isInteger());
        IllegalStateException e = assertThrows(IllegalStateException.class, p::qmin);
        assertTrue(e.getMessage().contains(p.name()), e.getMessage());
        assertThrows(IllegalStateException.class, p::qmax);
    }

    @Test
    void floatingBitWidths() {
        assertEquals(32, Precision.FP32.bits());
        assertEquals(16, Precision.FP16.bits());
        assertEquals(16, Precision.BF16.bits());
    }

    @Test
    void parseIsCaseInsensitiveAndTrims() {
        assertEquals(Precision.INT8, Precision.parse("int8"));
        assertEquals(Precision.FP16, Precision.parse(" Fp16 "));
        assertEquals(Precision.UINT4, Precision.parse("UINT4"));
    }

    @Test
    void parseErrorListsEveryValidName() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Precision.parse("int9"));
        assertTrue(e.getMessage().contains("'int9'"), e.getMessage());
        for (String name : new String[] {"fp32", "fp16", "bf16", "int8", "uint8", "int4", "uint4"}) {
            assertTrue(e.getMessage().contains(name), e.getMessage());
        }
    }

    @Test
    void parseOfNullIsAnInputError() {
        assertThrows(InvalidInputException.class, () -> Precision.parse(null));
    }
}
