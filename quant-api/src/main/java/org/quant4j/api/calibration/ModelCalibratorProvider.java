package org.quant4j.api.calibration;

import org.quant4j.api.provider.NamedProvider;

/**
 * Makes {@link ModelCalibrator}s for one backend; listed in {@code META-INF/services}. Instantiating
 * a provider loads no native code.
 */
public interface ModelCalibratorProvider extends NamedProvider {

    /**
     * A new calibrator; natives are loaded here at the latest, never when the provider is instantiated.
     *
     * @return a fresh model calibrator; the caller closes it
     */
    ModelCalibrator create();
}
