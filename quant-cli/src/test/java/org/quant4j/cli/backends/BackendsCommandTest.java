package org.quant4j.cli.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.provider.NamedProvider;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.cli.CliRun;

class BackendsCommandTest {

    @Test
    void theBackendsOnTheClasspathAreAvailableAndNoArtifactThatDoesNotExistIsNamed() {
        CliRun run = CliRun.of("backends");

        assertEquals(0, run.exitCode(), run::toString);
        String quantizers = run.out().substring(run.out().indexOf("Quantizers:"), run.out().indexOf("Evaluators:"));
        assertTrue(quantizers.lines().anyMatch(l -> l.matches("\\s+onnxruntime\\s+available\\s+.*")), run::toString);
        assertTrue(quantizers.lines().anyMatch(l -> l.matches("\\s+qat\\s+available\\s+.*")), run::toString);
        // quant-tensorrt is on the class path: listed, available or not (TensorRtBackendTest says why not).
        assertTrue(quantizers.lines().anyMatch(l -> l.matches("\\s+tensorrt\\s+(un)?available\\s*.*")), run::toString);
        assertFalse(run.out().contains("not on the classpath: add"),
                "every backend quant4j names is on the class path:\n" + run);
        String calibrators = run.out().substring(run.out().indexOf("Calibrators:"));
        // The built-ins and the calibrator of this module's tests (FixedRangeCalibratorProvider).
        for (String method : List.of("minmax", "moving-average-minmax", "entropy", "percentile", "mse",
                "fixed-range")) {
            assertTrue(calibrators.lines().anyMatch(l -> l.matches("\\s+" + method + "\\s+available.*")), method);
        }
    }

    @Test
    void firstShowsThisMachinesCpuAndWhatItMeansForInt8Models() {
        CpuFeatures cpu = CpuFeatures.host();

        CliRun run = CliRun.of("backends");

        assertEquals(0, run.exitCode(), run::toString);
        List<String> lines = run.outLines();
        assertEquals(List.of("CPU:", "  " + cpu.summary(), "  " + BackendsCommand.int8Meaning(cpu)),
                lines.subList(0, 3), run::toString);
        assertTrue(lines.get(1).contains(cpu.int8Kind()), run::toString);
        assertTrue(run.out().indexOf("CPU:") < run.out().indexOf("Quantizers:"), run::toString);
    }

    @Test
    void theMeaningOfACpuFollowsHowItAddsInt8Products() {
        CpuFeatures vnni = CpuFeatures.parseCpuinfo("model name : Xeon\nflags : sse4_2 avx2 avx512f avx512_vnni\n",
                "amd64", "test");
        CpuFeatures avx2 = CpuFeatures.parseCpuinfo("model name : EPYC 7R13\nflags : sse4_2 avx2\n", "amd64", "test");
        CpuFeatures graviton = CpuFeatures.parseCpuinfo("CPU part : 0xd40\nFeatures : fp asimd asimddp i8mm\n",
                "aarch64", "test");
        CpuFeatures unknown = CpuFeatures.unknown("amd64", "no /proc/cpuinfo");

        assertEquals("int8 products add in 32 bits (VNNI): both portable and vnni models are exact here",
                BackendsCommand.int8Meaning(vnni));
        assertEquals("int8 products add in 32 bits (dot product): both portable and vnni models are exact here",
                BackendsCommand.int8Meaning(graviton));
        assertEquals("AVX2 without VNNI: models for the vnni target lose accuracy here; use the portable target (the"
                + " default)", BackendsCommand.int8Meaning(avx2));
        assertTrue(BackendsCommand.int8Meaning(unknown).startsWith("cannot tell how int8 products add"));
    }

    @Test
    void jsonListsEveryKind() throws Exception {
        CliRun run = CliRun.of("backends", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        JsonNode ort = doc.get("evaluators").get(0);
        assertEquals("onnxruntime", ort.get("name").asText());
        assertTrue(ort.get("available").asBoolean());
        // The five built-ins and the calibrator of this module's tests (FixedRangeCalibratorProvider).
        assertEquals(6, doc.get("calibrators").size());
        CpuFeatures host = CpuFeatures.host();
        JsonNode cpu = doc.get("cpu");
        assertEquals(host.int8Kind(), cpu.get("int8Kind").asText());
        assertEquals(host.model(), cpu.get("model").asText());
        assertEquals(host.int8Flags(), cpu.get("flags").asText());
        assertEquals(BackendsCommand.int8Meaning(host), cpu.get("meaning").asText());
        if (host.known()) {
            assertEquals(host.int8AccumulatesIn32Bits(), cpu.get("int8AccumulatesIn32Bits").asBoolean());
        }
    }

    @Test
    void aProviderThatCannotWorkHereShowsItsReason() {
        NamedProvider gpu = new NamedProvider() {
            @Override
            public String name() {
                return "gpu";
            }

            @Override
            public Availability availability() {
                return Availability.unavailable("libcuda.so.1 not found: install the NVIDIA driver");
            }
        };
        ProviderRegistry<NamedProvider> registry = ProviderRegistry.load(() -> List.of(gpu).iterator(), "quantizer",
                Map.of("tensorrt", "org.quant4j:x"));

        List<BackendsCommand.Backend> rows = BackendsCommand.list(registry, p -> "");

        assertEquals(new BackendsCommand.Backend("gpu", "unavailable", "libcuda.so.1 not found: install the NVIDIA"
                + " driver", 0, gpu.getClass().getName()), rows.get(0));
        assertEquals(new BackendsCommand.Backend("tensorrt", "missing", "not on the classpath: add org.quant4j:x", 0,
                ""), rows.get(1));
    }
}
