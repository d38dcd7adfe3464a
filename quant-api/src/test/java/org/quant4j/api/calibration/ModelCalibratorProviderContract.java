package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.ServiceLoader;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.data.TinyDataset;
import org.quant4j.api.provider.Availability;

/**
 * Behaviour every {@link ModelCalibratorProvider} must have. Shipped in quant-api's test-jar: a
 * module that provides a model calibrator extends this class (SLF4J's API test-jar pattern) and
 * gives it a model the data fits. The tests that run the calibrator are skipped, with the reason,
 * when the provider is unavailable here.
 */
public abstract class ModelCalibratorProviderContract {

    /** The provider under test. */
    protected abstract ModelCalibratorProvider provider();

    /**
     * A model with one float data input, named {@link #inputName()}, of shape {@code [N, 1, 2]}:
     * it is calibrated on ten samples {@code {i, 10 + i}}, {@code i = 0..9}.
     */
    protected abstract ModelSource model();

    /** The name of the model's data input. */
    protected abstract String inputName();

    private static final QuantizationConfig MIN_MAX = QuantizationConfig.builder().seed(7).build();

    /** Ten samples {@code {i, 10 + i}}: the values run from 0 to 19. */
    private static final Dataset DATA = new TinyDataset(10, 0);
    private static final TensorRange DATA_RANGE = new TensorRange(0, 19);

    private CalibrationRequest.Builder inputRequest(QuantizationConfig config) {
        return CalibrationRequest.builder().model(model()).data(DATA).config(config).batchSize(3)
                .tensors(TensorSelection.of(inputName()));
    }

    private CalibrationResult calibrate(CalibrationRequest request) {
        try (ModelCalibrator calibrator = provider().create()) {
            return calibrator.calibrate(request);
        }
    }

    /** Tests that run the calibrator (all but the provider* ones) are skipped when it cannot work here. */
    @BeforeEach
    void skipRunsWhenUnavailable(TestInfo test) {
        boolean runs = test.getTestMethod().map(m -> !m.getName().startsWith("provider")).orElse(true);
        Availability a = provider().availability();
        Assumptions.assumeTrue(!runs || a.available(), () -> provider().name() + " is unavailable here: " + a.reason());
    }

    @Test
    void providerIsListedInMetaInfServices() {
        boolean found = ServiceLoader.load(ModelCalibratorProvider.class).stream()
                .anyMatch(p -> p.type().equals(provider().getClass()));
        assertTrue(found, provider().getClass().getName() + " is missing from META-INF/services");
    }

    @Test
    void providerIsFoundByItsName() {
        assertEquals(provider().getClass(), ModelCalibrators.registry().find(provider().name()).getClass());
        assertTrue(ModelCalibrators.names().contains(provider().name().toLowerCase(java.util.Locale.ROOT)));
    }

    @Test
    void calibratorHasTheProvidersName() {
        try (ModelCalibrator calibrator = ModelCalibrators.get(provider().name())) {
            assertEquals(provider().name(), calibrator.name());
        }
    }

    @Test
    void minMaxRangeOfTheInputIsTheRangeOfTheData() {
        CalibrationResult r = calibrate(inputRequest(MIN_MAX).build());
        assertEquals(List.of(inputName()), List.copyOf(r.ranges().keySet()));
        assertEquals(DATA_RANGE, r.ranges().get(inputName()));
        assertEquals(QuantScheme.UINT8_ASYMMETRIC, r.scheme(inputName()));
    }

    @Test
    void symmetricSchemeGivesARangeCentredOnZero() {
        QuantizationConfig symmetric = MIN_MAX.toBuilder().activationScheme(QuantScheme.INT8_SYMMETRIC).build();
        CalibrationResult r = calibrate(inputRequest(symmetric).build());
        assertEquals(TensorRange.symmetric(DATA_RANGE.amax()), r.ranges().get(inputName()));
        assertEquals(QuantScheme.INT8_SYMMETRIC, r.scheme(inputName()));
        assertEquals("true", r.calibratorOptions(inputName()).asMap().get(CalibratorOptions.SYMMETRIC));
    }

    @Test
    void resultRecordsMethodSamplesDataSeedAndProvenance() {
        CalibrationResult r = calibrate(inputRequest(MIN_MAX).build());
        assertEquals(MIN_MAX.calibrationMethod().id(), r.method());
        assertEquals(DATA.size(), r.samples());
        assertEquals(DATA.fingerprint(), r.dataFingerprint());
        assertEquals(7, r.seed());
        assertEquals(provider().name(), r.provenance().get("backend"));
        assertEquals(r.method(), r.provenance().get("calibration.method"));
        assertEquals(DATA.fingerprint(), r.provenance().get("calibration.data"));
        assertEquals("7", r.provenance().get("seed"));
        assertEquals(model().name(), r.provenance().get("model"));
        for (String key : List.of("tool", "tool.version", "backend.version", "calibration.options", "activations",
                "os.arch")) {
            assertTrue(r.provenance().entries().containsKey(key), key + " missing from " + r.provenance());
        }
    }

    @Test
    void everyFloatTensorIncludesTheDataInput() {
        CalibrationResult r = calibrate(inputRequest(MIN_MAX).tensors(TensorSelection.allFloatTensors()).build());
        assertEquals(DATA_RANGE, r.ranges().get(inputName()), r.ranges()::toString);
    }

    @Test
    void observerSeesEveryValueOfTheInputAndProgressReachesTheTotal() {
        AtomicLong values = new AtomicLong();
        List<Long> done = Collections.synchronizedList(new ArrayList<>());
        calibrate(inputRequest(MIN_MAX)
                .observer((tensor, v, offset, length) -> {
                    if (tensor.equals(inputName())) {
                        values.addAndGet(length);
                    }
                })
                .listener((stage, d, total) -> {
                    assertEquals(DATA.size(), total);
                    done.add(d);
                })
                .build());
        assertEquals((long) DATA.size() * DATA.sampleElements(), values.get());
        assertEquals(DATA.size(), done.get(done.size() - 1));
    }

    @Test
    void sameRequestGivesTheSameRanges() {
        CalibrationRequest request = inputRequest(MIN_MAX).tensors(TensorSelection.allFloatTensors()).build();
        assertEquals(calibrate(request).ranges(), calibrate(request).ranges());
    }

    @Test
    void unknownTensorIsAnErrorNamingItAndAValidOne() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> calibrate(inputRequest(MIN_MAX).tensors(TensorSelection.of("no_such_tensor")).build()));
        assertTrue(e.getMessage().contains("no_such_tensor"), e.getMessage());
        assertTrue(e.getMessage().contains(inputName()), e.getMessage());
    }

    @Test
    void closingTwiceIsHarmlessAndCalibratingAfterCloseThrows() {
        ModelCalibrator calibrator = provider().create();
        calibrator.close();
        assertDoesNotThrow(calibrator::close);
        assertThrows(IllegalStateException.class, () -> calibrator.calibrate(inputRequest(MIN_MAX).build()));
    }
}
