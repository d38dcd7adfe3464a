package org.quant4j.tensorrt.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.tensorrt.TensorRtUnavailableException;
import org.quant4j.tensorrt.probe.ProbeReport;
import org.quant4j.tensorrt.probe.TensorRtProbe;

/** Inspecting an engine file on a machine where TensorRT cannot run: the file is checked, then the probe's reason. */
class EngineInspectionTest {

    @TempDir
    Path dir;

    @Test
    void withoutTensorRtTheProbesReasonIsATypedError() throws Exception {
        ProbeReport report = TensorRtProbe.host();
        assumeFalse(report.ready(), "TensorRT can run here: TensorRtGpuTest inspects real engines");
        Path engine = Files.write(dir.resolve("m.engine"), "ftrt....".getBytes(StandardCharsets.US_ASCII));

        TensorRtUnavailableException e = assertThrows(TensorRtUnavailableException.class,
                () -> EngineInspection.read(engine));

        assertEquals("TensorRT cannot run here: " + report.reason(), e.getMessage());
        assertEquals(List.of(engine), List.of(Files.list(dir).toArray()));
    }

    @Test
    void aBadFileIsReportedBeforeTensorRtIsAskedFor() {
        Path missing = dir.resolve("missing.plan");
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> EngineInspection.read(missing));
        assertTrue(e.getMessage().endsWith("does not exist: check the path"), e.getMessage());
    }
}
