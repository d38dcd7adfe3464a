package org.quant4j.cli.backends;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.provider.NamedProvider;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.cli.CliRun;

class BackendsCommandTest {

    @Test
    void onnxRuntimeIsAvailableAndTensorRtSaysWhichArtifactToAdd() {
        CliRun run = CliRun.of("backends");

        assertEquals(0, run.exitCode(), run::toString);
        String quantizers = run.out().substring(run.out().indexOf("Quantizers:"), run.out().indexOf("Evaluators:"));
        assertTrue(quantizers.lines().anyMatch(l -> l.matches("\\s+onnxruntime\\s+available\\s+.*")), run::toString);
        assertTrue(quantizers.lines().anyMatch(l -> l.matches("\\s+qat\\s+available\\s+.*")), run::toString);
        assertTrue(quantizers.lines().anyMatch(l -> l.matches(
                "\\s+tensorrt\\s+missing\\s+not on the classpath: add org\\.quant4j:quant-tensorrt")), run::toString);
        String calibrators = run.out().substring(run.out().indexOf("Calibrators:"));
        for (String method : List.of("minmax", "moving-average-minmax", "entropy", "percentile", "mse")) {
            assertTrue(calibrators.lines().anyMatch(l -> l.matches("\\s+" + method + "\\s+available.*")), method);
        }
    }

    @Test
    void jsonListsEveryKind() throws Exception {
        CliRun run = CliRun.of("backends", "--json");

        assertEquals(0, run.exitCode(), run::toString);
        JsonNode doc = new ObjectMapper().readTree(run.out());
        JsonNode ort = doc.get("evaluators").get(0);
        assertEquals("onnxruntime", ort.get("name").asText());
        assertTrue(ort.get("available").asBoolean());
        assertEquals(5, doc.get("calibrators").size());
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
