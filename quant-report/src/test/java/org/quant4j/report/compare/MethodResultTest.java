package org.quant4j.report.compare;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationMode;
import org.quant4j.report.Fixtures;

class MethodResultTest {

    @Test
    void int8MethodsKeepTheirKernelTarget() {
        MethodResult vnni = MethodResult.builder("static").mode(QuantizationMode.STATIC)
                .kernelTarget(KernelTarget.VNNI).accuracy(Fixtures.stats(100, 90, null, 0, 0)).build();

        assertEquals(KernelTarget.VNNI, vnni.kernelTarget().orElseThrow());
    }

    @Test
    void aKernelTargetOnAFloatModelOrUnresolvedIsRefused() {
        InvalidInputException fp16 = assertThrows(InvalidInputException.class, () -> MethodResult.builder("half")
                .mode(QuantizationMode.FP16).kernelTarget(KernelTarget.PORTABLE)
                .accuracy(Fixtures.stats(100, 90, null, 0, 0)).build());
        assertTrue(fp16.getMessage().contains("only INT8 weights are written for a kernel target"), fp16.getMessage());

        InvalidInputException host = assertThrows(InvalidInputException.class, () -> MethodResult.builder("here")
                .mode(QuantizationMode.DYNAMIC).kernelTarget(KernelTarget.HOST)
                .accuracy(Fixtures.stats(100, 90, null, 0, 0)).build());
        assertTrue(host.getMessage().contains("KernelTarget.HOST.resolve()"), host.getMessage());
    }
}
