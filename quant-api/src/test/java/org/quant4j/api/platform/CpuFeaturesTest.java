package org.quant4j.api.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuFeaturesTest {

    private static final String EPYC_VNNI = """
            processor\t: 0
            vendor_id\t: AuthenticAMD
            model name\t: AMD EPYC 9R14
            flags\t\t: fpu vme sse sse2 avx avx2 avx512f avx512bw avx_vnni avx512_vnni avx512_bf16
            bugs\t\t: sysret_ss_attrs

            processor\t: 1
            model name\t: AMD EPYC 9R14
            flags\t\t: fpu
            """;

    private static final String EPYC_AVX2 = """
            processor\t: 0
            model name\t: AMD EPYC 7R32
            flags\t\t: fpu sse sse2 avx fma avx2 bmi2
            """;

    private static final String GRAVITON = """
            processor\t: 0
            BogoMIPS\t: 243.75
            Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp
            CPU implementer\t: 0x41
            """;

    @Test
    void vnniEpycAccumulatesInt8In32Bits() {
        CpuFeatures cpu = CpuFeatures.parseCpuinfo(EPYC_VNNI, "amd64", "test");
        assertTrue(cpu.known());
        assertEquals("x86-64", cpu.arch());
        assertEquals("AMD EPYC 9R14", cpu.model());
        assertTrue(cpu.avx2() && cpu.avx512() && cpu.avx512Vnni() && cpu.avxVnni());
        assertTrue(cpu.int8AccumulatesIn32Bits());
        assertEquals("x86-64 AVX-512 VNNI", cpu.int8Kind());
        assertEquals("avx2 avx512f avx512_vnni avx_vnni avx512_bf16", cpu.int8Flags());
    }

    @Test
    void onlyTheFirstProcessorsFlagsAreRead() {
        assertTrue(CpuFeatures.parseCpuinfo(EPYC_VNNI, "amd64", "test").has("avx512_vnni"));
    }

    @Test
    void avx2OnlyEpycSaturates() {
        CpuFeatures cpu = CpuFeatures.parseCpuinfo(EPYC_AVX2, "amd64", "test");
        assertTrue(cpu.avx2());
        assertFalse(cpu.int8AccumulatesIn32Bits());
        assertEquals("x86-64 AVX2 (no VNNI)", cpu.int8Kind());
    }

    @Test
    void armWithDotProductAccumulatesIn32Bits() {
        CpuFeatures cpu = CpuFeatures.parseCpuinfo(GRAVITON, "aarch64", "test");
        assertEquals("arm64", cpu.arch());
        assertTrue(cpu.armDotProduct());
        assertFalse(cpu.armI8mm());
        assertTrue(cpu.int8AccumulatesIn32Bits());
        assertEquals("arm64 dotprod", cpu.int8Kind());
    }

    @Test
    void textWithoutFlagsIsUnknownWithAReason() {
        CpuFeatures cpu = CpuFeatures.parseCpuinfo("processor : 0\nmodel name : X\n", "amd64", "/x/cpuinfo");
        assertFalse(cpu.known());
        assertFalse(cpu.int8AccumulatesIn32Bits());
        assertEquals("/x/cpuinfo lists no CPU flags", cpu.unknownReason().orElseThrow());
        assertTrue(cpu.int8Kind().startsWith("unknown ("), cpu.int8Kind());
    }

    @Test
    void unreadableFileAndOtherSystemsAreUnknown(@TempDir Path dir) throws IOException {
        CpuFeatures missing = CpuFeatures.detect("Linux", "amd64", dir.resolve("nope"));
        assertFalse(missing.known());
        assertTrue(missing.unknownReason().orElseThrow().contains("cannot read"), missing.unknownReason().get());
        CpuFeatures mac = CpuFeatures.detect("Mac OS X", "aarch64", dir.resolve("nope"));
        assertFalse(mac.known());
        assertTrue(mac.unknownReason().orElseThrow().contains("Mac OS X"));
        Path file = Files.writeString(dir.resolve("cpuinfo"), EPYC_AVX2);
        assertEquals(CpuFeatures.parseCpuinfo(EPYC_AVX2, "amd64", file.toString()),
                CpuFeatures.detect("Linux", "amd64", file));
    }

    @Test
    void hostIsReadOnLinux() {
        CpuFeatures host = CpuFeatures.host();
        if (System.getProperty("os.name").toLowerCase().contains("linux") && Files.isReadable(CpuFeatures.PROC_CPUINFO)) {
            assertTrue(host.known(), host.toString());
            assertFalse(host.flags().isEmpty());
        }
        assertTrue(host == CpuFeatures.host(), "read once");
    }
}
