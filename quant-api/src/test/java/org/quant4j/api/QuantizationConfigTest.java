package org.quant4j.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QuantizationConfigTest {

    @Test
    void defaultsAreStaticMinMaxPerChannelInt8WeightsUint8ActivationsSeed42() {
        QuantizationConfig c = QuantizationConfig.builder().build();
        assertEquals(QuantizationMode.STATIC, c.mode());
        assertEquals(CalibrationMethod.MIN_MAX, c.calibrationMethod());
        assertTrue(c.perChannel());
        assertEquals(QuantScheme.UINT8_ASYMMETRIC, c.activationScheme());
        assertEquals(Precision.INT8, c.weightPrecision());
        assertEquals(42L, c.seed());
        assertEquals(Map.of(), c.calibrationOptions());
        assertEquals(Set.of(), c.includeNodes());
        assertEquals(Set.of(), c.excludeNodes());
        assertEquals(Set.of(), c.includeOpTypes());
        assertEquals(Set.of(), c.excludeOpTypes());
        assertEquals(Map.of(), c.tensorOverrides());
    }

    @Test
    void everyNodeIsSelectedWithoutRules() {
        assertNull(QuantizationConfig.builder().build().exclusionReason("conv1", "Conv"));
    }

    @Test
    void excludedNodeNameIsTheReason() {
        QuantizationConfig c = QuantizationConfig.builder().excludeNode("conv1").build();
        assertEquals("excluded by node name", c.exclusionReason("conv1", "Conv"));
        assertNull(c.exclusionReason("conv2", "Conv"));
    }

    @Test
    void excludedOpTypeIsTheReason() {
        QuantizationConfig c = QuantizationConfig.builder().excludeOpType("Softmax").build();
        assertEquals("excluded by op type Softmax", c.exclusionReason("sm", "Softmax"));
        assertNull(c.exclusionReason("conv1", "Conv"));
    }

    @Test
    void nodeMissingFromTheIncludeListIsSkipped() {
        QuantizationConfig c = QuantizationConfig.builder().includeNode("conv1").build();
        assertNull(c.exclusionReason("conv1", "Conv"));
        assertEquals("not in the include list of nodes", c.exclusionReason("conv2", "Conv"));
    }

    @Test
    void opTypeMissingFromTheIncludeListIsSkipped() {
        QuantizationConfig c = QuantizationConfig.builder().includeOpType("MatMul").build();
        assertNull(c.exclusionReason("fc", "MatMul"));
        assertEquals("op type Conv not in the include list of op types", c.exclusionReason("conv1", "Conv"));
    }

    @Test
    void exclusionWinsOverInclusion() {
        QuantizationConfig byOp = QuantizationConfig.builder().includeNode("conv1").includeOpType("Conv")
                .excludeOpType("Conv").build();
        assertEquals("excluded by op type Conv", byOp.exclusionReason("conv1", "Conv"));
        QuantizationConfig byName = QuantizationConfig.builder().includeOpType("Conv").excludeNode("conv1").build();
        assertEquals("excluded by node name", byName.exclusionReason("conv1", "Conv"));
    }

    @Test
    void nodeBothIncludedAndExcludedIsAnError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> QuantizationConfig.builder().includeNode("conv1").excludeNode("conv1").build());
        assertTrue(e.getMessage().contains("'conv1'") && e.getMessage().contains("both included and excluded"),
                e.getMessage());
    }

    @Test
    void activationSchemeMustBePerTensorAndEightBit() {
        assertThrows(InvalidInputException.class, () -> QuantizationConfig.builder()
                .activationScheme(QuantScheme.int8WeightsPerChannel(0)).build());
        assertThrows(InvalidInputException.class, () -> QuantizationConfig.builder()
                .activationScheme(QuantScheme.builder().precision(Precision.INT4).build()).build());
        assertEquals(QuantScheme.INT8_SYMMETRIC, QuantizationConfig.builder()
                .activationScheme(QuantScheme.INT8_SYMMETRIC).build().activationScheme());
    }

    @Test
    void weightsMustBeSignedIntegers() {
        assertThrows(InvalidInputException.class,
                () -> QuantizationConfig.builder().weightPrecision(Precision.UINT8).build());
        assertThrows(InvalidInputException.class,
                () -> QuantizationConfig.builder().weightPrecision(Precision.FP16).build());
    }

    @Test
    void weightSchemeIsSymmetricNarrowRangeInt8PerChannelOrPerTensor() {
        assertEquals(QuantScheme.int8WeightsPerChannel(1), QuantizationConfig.builder().build().weightScheme(1));
        assertEquals(QuantScheme.int8WeightsPerTensor(),
                QuantizationConfig.builder().perChannel(false).build().weightScheme(1));
    }

    @Test
    void kernelTargetDefaultsToPortableAndIsKeptByToBuilder() {
        assertEquals(KernelTarget.PORTABLE, QuantizationConfig.builder().build().kernelTarget());
        QuantizationConfig vnni = QuantizationConfig.builder().kernelTarget(KernelTarget.VNNI).build();
        assertEquals(KernelTarget.VNNI, vnni.toBuilder().build().kernelTarget());
    }

    @Test
    void toBuilderKeepsEverySetting() {
        QuantizationConfig c = QuantizationConfig.builder().mode(QuantizationMode.DYNAMIC)
                .calibrationMethod(CalibrationMethod.PERCENTILE).calibrationOption("percentile", "99.9")
                .perChannel(false).activationScheme(QuantScheme.INT8_SYMMETRIC).includeNode("a").excludeNode("b")
                .includeOpType("Conv").excludeOpType("Gemm")
                .tensorOverride("t", TensorOverride.floatOnly()).seed(7).build();
        QuantizationConfig copy = c.toBuilder().build();
        assertEquals(QuantizationMode.DYNAMIC, copy.mode());
        assertEquals(CalibrationMethod.PERCENTILE, copy.calibrationMethod());
        assertEquals(Map.of("percentile", "99.9"), copy.calibrationOptions());
        assertEquals(false, copy.perChannel());
        assertEquals(QuantScheme.INT8_SYMMETRIC, copy.activationScheme());
        assertEquals(Set.of("a"), copy.includeNodes());
        assertEquals(Set.of("b"), copy.excludeNodes());
        assertEquals(Set.of("Conv"), copy.includeOpTypes());
        assertEquals(Set.of("Gemm"), copy.excludeOpTypes());
        assertEquals(Map.of("t", TensorOverride.floatOnly()), copy.tensorOverrides());
        assertEquals(7, copy.seed());
    }

    @Test
    void builtConfigIsNotChangedByItsBuilderOrItsViews() {
        QuantizationConfig.Builder b = QuantizationConfig.builder().excludeNode("a");
        QuantizationConfig c = b.build();
        b.excludeNode("b");
        assertEquals(Set.of("a"), c.excludeNodes());
        assertThrows(UnsupportedOperationException.class, () -> c.excludeNodes().add("c"));
        assertThrows(UnsupportedOperationException.class, () -> c.calibrationOptions().put("k", "v"));
    }

    @Test
    void nullsAreRefused() {
        assertThrows(NullPointerException.class, () -> QuantizationConfig.builder().mode(null));
        assertThrows(NullPointerException.class, () -> QuantizationConfig.builder().calibrationOption("k", null));
        assertThrows(NullPointerException.class, () -> QuantizationConfig.builder().excludeNode(null));
    }

    @Test
    void tensorOverrideKeepingFloatCannotAlsoSetARangeOrScheme() {
        assertThrows(InvalidInputException.class,
                () -> new TensorOverride(true, Optional.empty(), Optional.of(new TensorRange(0, 1))));
        assertThrows(InvalidInputException.class,
                () -> new TensorOverride(true, Optional.of(QuantScheme.INT8_SYMMETRIC), Optional.empty()));
        TensorOverride nulls = new TensorOverride(false, null, null);
        assertEquals(Optional.empty(), nulls.scheme());
        assertEquals(Optional.empty(), nulls.range());
        assertEquals(Optional.of(new TensorRange(0, 1)), TensorOverride.withRange(new TensorRange(0, 1)).range());
        assertEquals(Optional.of(QuantScheme.INT8_SYMMETRIC), TensorOverride.withScheme(QuantScheme.INT8_SYMMETRIC).scheme());
    }
}
