package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProvenanceTest {

    @Test
    void entriesKeepInsertionOrderUnderTheirDocumentedKeys() {
        Provenance p = Provenance.builder().tool("quant4j", "0.1.0").backend("onnxruntime", "1.20.0")
                .calibration("entropy", "sha256:abc").seed(42).put("extra", "x").build();
        assertEquals(List.of("tool", "tool.version", "backend", "backend.version", "calibration.method",
                "calibration.data", "seed", "extra"), List.copyOf(p.entries().keySet()));
        assertEquals("1.20.0", p.get("backend.version"));
        assertEquals("42", p.get("seed"));
    }

    @Test
    void platformRecordsTheRunningJvmAndOs() {
        Provenance p = Provenance.builder().platform().build();
        assertEquals(System.getProperty("java.version"), p.get("java.version"));
        assertEquals(System.getProperty("os.arch"), p.get("os.arch"));
        assertEquals(System.getProperty("os.name"), p.get("os.name"));
        assertEquals(System.getProperty("java.vendor"), p.get("java.vendor"));
    }

    @Test
    void builtProvenanceIsImmutableAndComparedByContent() {
        Provenance.Builder b = Provenance.builder().put("a", "1");
        Provenance p = b.build();
        b.put("b", "2");
        assertEquals(1, p.entries().size());
        assertThrows(UnsupportedOperationException.class, () -> p.entries().put("c", "3"));
        assertEquals(p, Provenance.builder().put("a", "1").build());
        assertEquals(p.hashCode(), Provenance.builder().put("a", "1").build().hashCode());
        assertNotEquals(p, Provenance.builder().put("a", "2").build());
        assertThrows(NullPointerException.class, () -> Provenance.builder().put(null, "x"));
    }

    @Test
    void quantizationRecordsTheConfigUnderItsKeys() {
        QuantizationConfig config = QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC).perChannel(false)
                .kernelTarget(KernelTarget.VNNI).build();
        Provenance p = Provenance.builder().quantization("onnxruntime", config).build();
        assertEquals("onnxruntime", p.get(Provenance.QUANTIZER));
        assertEquals("dynamic", p.get(Provenance.MODE));
        assertEquals("false", p.get(Provenance.PER_CHANNEL));
        assertEquals(config.activationScheme().toString(), p.get(Provenance.ACTIVATION_SCHEME));
        assertEquals("int8", p.get(Provenance.WEIGHT_PRECISION));
        assertEquals("vnni", p.get(Provenance.KERNEL_TARGET));
        assertEquals("vnni", p.get(Provenance.KERNEL_TARGET_RESOLVED), "vnni resolves to itself on every machine");
    }
}
