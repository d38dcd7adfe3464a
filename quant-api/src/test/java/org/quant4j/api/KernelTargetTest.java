package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.quant4j.api.platform.CpuFeatures;

class KernelTargetTest {

    private static final CpuFeatures VNNI = CpuFeatures.parseCpuinfo("flags : avx2 avx512f avx512_vnni\n", "amd64", "t");
    private static final CpuFeatures AVX2 = CpuFeatures.parseCpuinfo("flags : avx avx2 fma\n", "amd64", "t");
    private static final CpuFeatures AVX_VNNI = CpuFeatures.parseCpuinfo("flags : avx2 avx_vnni\n", "amd64", "t");
    private static final CpuFeatures ARM_DOT = CpuFeatures.parseCpuinfo("Features : fp asimd asimddp\n", "aarch64", "t");

    @Test
    void namesParseCaseInsensitively() {
        assertEquals(KernelTarget.PORTABLE, KernelTarget.parse("portable"));
        assertEquals(KernelTarget.VNNI, KernelTarget.parse(" VNNI "));
        assertEquals(KernelTarget.HOST, KernelTarget.parse("Host"));
    }

    @Test
    void unknownNameListsTheValidOnes() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> KernelTarget.parse("avx512"));
        assertEquals(true, e.getMessage().startsWith("Unknown kernel target 'avx512': use one of portable, vnni, host"),
                e.getMessage());
    }

    @Test
    void hostResolvesFromTheCpu() {
        assertEquals(KernelTarget.VNNI, KernelTarget.HOST.resolve(VNNI));
        assertEquals(KernelTarget.VNNI, KernelTarget.HOST.resolve(AVX_VNNI));
        assertEquals(KernelTarget.VNNI, KernelTarget.HOST.resolve(ARM_DOT));
        assertEquals(KernelTarget.PORTABLE, KernelTarget.HOST.resolve(AVX2));
    }

    @Test
    void hostOnAnUnreadableCpuFallsBackToPortable() {
        assertEquals(KernelTarget.PORTABLE, KernelTarget.HOST.resolve(CpuFeatures.unknown("amd64", "no /proc")));
    }

    @Test
    void onlyThePortableTargetLimitsPairSums() {
        assertEquals(true, KernelTarget.PORTABLE.limitsPairSums());
        assertEquals(false, KernelTarget.VNNI.limitsPairSums());
        assertEquals(KernelTarget.HOST.resolve() == KernelTarget.PORTABLE, KernelTarget.HOST.limitsPairSums());
    }

    @Test
    void explicitTargetsIgnoreTheCpu() {
        assertEquals(KernelTarget.PORTABLE, KernelTarget.PORTABLE.resolve(VNNI));
        assertEquals(KernelTarget.VNNI, KernelTarget.VNNI.resolve(AVX2));
    }
}
