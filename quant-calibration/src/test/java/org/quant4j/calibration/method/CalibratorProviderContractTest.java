package org.quant4j.calibration.method;

import org.junit.jupiter.api.Nested;
import org.quant4j.api.calibration.CalibratorProvider;
import org.quant4j.api.calibration.CalibratorProviderContract;

/** Runs quant-api's provider contract against each calibrator of this module. */
class CalibratorProviderContractTest {

    @Nested
    class MinMax extends CalibratorProviderContract {
        @Override
        protected CalibratorProvider provider() {
            return new MinMaxCalibratorProvider();
        }
    }

    @Nested
    class MovingAverageMinMax extends CalibratorProviderContract {
        @Override
        protected CalibratorProvider provider() {
            return new MovingAverageMinMaxCalibratorProvider();
        }
    }

    @Nested
    class Entropy extends CalibratorProviderContract {
        @Override
        protected CalibratorProvider provider() {
            return new EntropyCalibratorProvider();
        }
    }

    @Nested
    class Percentile extends CalibratorProviderContract {
        @Override
        protected CalibratorProvider provider() {
            return new PercentileCalibratorProvider();
        }
    }

    @Nested
    class Mse extends CalibratorProviderContract {
        @Override
        protected CalibratorProvider provider() {
            return new MseCalibratorProvider();
        }
    }
}
