package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.platform.CpuFeatures;

class CpuDescriptionTest {

    @Test
    void summaryIsTheLineTheMeasuringMachineGave() {
        CpuFeatures vnni = CpuFeatures.parseCpuinfo("processor : 0\nmodel name : Intel Xeon Gold 6338\n"
                + "flags : fpu sse4_2 avx2 avx512f avx512_vnni\n\nprocessor : 1\n", "amd64", "cpuinfo");
        CpuFeatures unknown = CpuFeatures.unknown("amd64", "cannot read /proc/cpuinfo");

        CpuDescription known = CpuDescription.of(vnni);
        CpuDescription unread = CpuDescription.of(unknown);

        assertEquals("Intel Xeon Gold 6338 (x86-64 AVX-512 VNNI; avx2 avx512f avx512_vnni)", known.summary());
        assertEquals(vnni.summary(), known.summary());
        assertTrue(known.known());
        assertEquals("unknown (cannot read /proc/cpuinfo)", unread.summary());
        assertEquals(unknown.summary(), unread.summary());
        assertFalse(unread.known());
    }

    @Test
    void everyFieldIsRequired() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new CpuDescription("Xeon", " ", "avx2"));
        assertTrue(e.getMessage().contains("int8Kind"), e.getMessage());
    }
}
