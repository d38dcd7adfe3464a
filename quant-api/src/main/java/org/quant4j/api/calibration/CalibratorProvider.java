package org.quant4j.api.calibration;

import java.util.Set;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.provider.NamedProvider;

/**
 * Makes {@link Calibrator}s of one method; listed in {@code META-INF/services}. A provider outside
 * quant4j is selected like a built-in: {@code QuantizationConfig.calibrationMethod(CalibrationMethod.of(name))}
 * or {@code quant4j quantize --method NAME}.
 */
public interface CalibratorProvider extends NamedProvider {

    /**
     * The method this provider's calibrators implement; {@link #name()} is its id.
     *
     * @return the method, e.g. {@link CalibrationMethod#PERCENTILE}
     */
    CalibrationMethod method();

    @Override
    default String name() {
        return method().id();
    }

    /**
     * Option keys {@link #create} understands.
     *
     * @return the option names; empty when the calibrator takes none
     */
    Set<String> supportedOptions();

    /**
     * A new calibrator. Options are validated here: an unknown key or a bad value throws
     * {@link org.quant4j.api.InvalidInputException}.
     *
     * @param options the options, e.g. {@code percentile=99.9}
     * @return a fresh calibrator, with nothing observed
     */
    Calibrator create(CalibratorOptions options);
}
