package org.quant4j.cli.console;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FormatsTest {

    @Test
    void bytesUseBinaryUnitsWithThreeSignificantDigits() {
        assertEquals("812 B", Formats.bytes(812));
        assertEquals("1.00 KiB", Formats.bytes(1024));
        assertEquals("3.16 KiB", Formats.bytes(3240));
        assertEquals("10.6 KiB", Formats.bytes(10_854));
        assertEquals("150 MiB", Formats.bytes(150L * 1024 * 1024));
    }

    @Test
    void durationsPickTheirUnit() {
        assertEquals("999 ms", Formats.duration(999_999_999L));
        assertEquals("1.5 s", Formats.duration(1_500_000_000L));
        assertEquals("2 min 05 s", Formats.duration(125_000_000_000L));
    }

    @Test
    void percentagesHaveTwoDecimals() {
        assertEquals("87.30%", Formats.percent(0.873));
    }
}
