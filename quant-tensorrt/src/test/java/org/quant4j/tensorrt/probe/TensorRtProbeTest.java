package org.quant4j.tensorrt.probe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quant4j.api.provider.Availability;

class TensorRtProbeTest {

    @Test
    void aCompleteMachineIsReady() {
        ProbeReport r = TensorRtProbe.probe(FakeHost.complete());
        assertTrue(r.ready(), r.reason());
        assertEquals("linux-x86_64", r.platform());
        assertEquals(List.of(), r.missing());
        assertTrue(r.availability().available());
    }

    @Test
    void aMachineWithoutTheDriverNamesLibcudaAndHowToInstallIt() {
        FakeHost h = FakeHost.complete();
        h.libraries.remove("libcuda.so.1");
        ProbeReport r = TensorRtProbe.probe(h);
        assertFalse(r.ready());
        assertEquals(List.of(TensorRtProbe.DRIVER), r.missing().stream().map(NativePiece::name).toList());
        assertTrue(r.reason().startsWith("missing libcuda.so.1 (NVIDIA driver): install the NVIDIA driver"), r.reason());
        Availability a = r.availability();
        assertFalse(a.available());
        assertEquals(r.reason(), a.reason());
    }

    @Test
    void everyMissingPieceIsReportedInLoadOrderNotOnlyTheFirst() {
        FakeHost h = FakeHost.complete();
        h.resources.clear();
        h.libraries.remove("libcuda.so.1");
        h.libraries.remove("libnvinfer.so.10");
        h.gpus.clear();
        ProbeReport r = TensorRtProbe.probe(h);
        assertEquals(List.of("TensorRT JNI library for linux-x86_64", "CUDA JNI library for linux-x86_64",
                TensorRtProbe.DRIVER, TensorRtProbe.GPU, "libnvinfer.so.10 (TensorRT 10 runtime)"),
                r.missing().stream().map(NativePiece::name).toList());
        assertTrue(r.reason().contains("add org.bytedeco:tensorrt:10.15-1.5.13:linux-x86_64 (the platform jar)"),
                r.reason());
        assertTrue(r.reason().contains("org.bytedeco:tensorrt:10.15-1.5.13:linux-x86_64-redist"), r.reason());
    }

    @Test
    void aRedistJarOnTheClassPathStandsInForSystemTensorRt() {
        FakeHost h = FakeHost.complete();
        h.libraries.remove("libnvinfer.so.10");
        h.libraries.remove("libnvonnxparser.so.10");
        h.resources.add("org/bytedeco/tensorrt/linux-x86_64/libnvinfer.so.10");
        h.resources.add("org/bytedeco/tensorrt/linux-x86_64/libnvonnxparser.so.10");
        ProbeReport r = TensorRtProbe.probe(h);
        assertTrue(r.ready(), r.reason());
        assertEquals("org/bytedeco/tensorrt/linux-x86_64/libnvinfer.so.10",
                r.piece("libnvinfer.so.10 (TensorRT 10 runtime)").orElseThrow().detail());
    }

    @Test
    void withoutThePresetsClassesTheArtifactToAddIsNamed() {
        FakeHost h = FakeHost.complete();
        h.classes.clear();
        ProbeReport r = TensorRtProbe.probe(h);
        assertTrue(r.reason().startsWith("missing TensorRT Java classes: add org.bytedeco:tensorrt:10.15-1.5.13;"
                + " missing CUDA Java classes: add org.bytedeco:cuda:13.1-9.19-1.5.13"), r.reason());
    }

    @Test
    void platformsOtherThanLinuxAreUnsupportedAndSaySo() {
        FakeHost h = FakeHost.complete();
        h.os = "Mac OS X";
        h.arch = "aarch64";
        ProbeReport r = TensorRtProbe.probe(h);
        assertEquals("macosx-arm64", r.platform());
        assertEquals("missing a supported platform: the TensorRT backend runs on linux-x86_64 and linux-arm64 with an"
                + " NVIDIA GPU", r.reason());
    }

    @Test
    void javacppPlatformNames() {
        assertEquals(Optional.of("linux-x86_64"), TensorRtProbe.platform("Linux", "amd64"));
        assertEquals(Optional.of("linux-arm64"), TensorRtProbe.platform("Linux", "aarch64"));
        assertEquals(Optional.of("windows-x86_64"), TensorRtProbe.platform("Windows 11", "amd64"));
        assertEquals(Optional.empty(), TensorRtProbe.platform("Linux", "ppc64le"));
    }
}
