package org.quant4j.cli.quantize;

import java.util.Set;
import org.quant4j.api.CalibrationException;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.Calibrator;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.calibration.CalibratorProvider;

/**
 * A third-party calibrator that exists only on quant-cli's test classpath (listed in its
 * {@code META-INF/services}): every tensor gets the range [{@value #MIN}, {@value #MAX}] whatever
 * it holds ([-{@value #MAX}, {@value #MAX}] when symmetric), so the scales it leads to are known
 * without running anything.
 */
public final class FixedRangeCalibratorProvider implements CalibratorProvider {

    /** The name {@code --method} selects it by. */
    public static final String NAME = "fixed-range";
    /** Lower end of every range. */
    public static final double MIN = -2;
    /** Upper end of every range. */
    public static final double MAX = 6;

    @Override
    public CalibrationMethod method() {
        return CalibrationMethod.of(NAME);
    }

    @Override
    public Set<String> supportedOptions() {
        return Set.of(CalibratorOptions.SYMMETRIC);
    }

    @Override
    public Calibrator create(CalibratorOptions options) {
        options.requireOnly(supportedOptions(), NAME);
        boolean symmetric = options.getBoolean(CalibratorOptions.SYMMETRIC, false);
        return new Calibrator() {
            private long count;
            private long nonFinite;

            @Override
            public CalibrationMethod method() {
                return FixedRangeCalibratorProvider.this.method();
            }

            @Override
            public void observe(float[] values, int offset, int length) {
                for (int i = offset; i < offset + length; i++) {
                    if (Float.isFinite(values[i])) {
                        count++;
                    } else {
                        nonFinite++;
                    }
                }
            }

            @Override
            public long count() {
                return count;
            }

            @Override
            public long nonFiniteCount() {
                return nonFinite;
            }

            @Override
            public TensorRange range() {
                if (count == 0) {
                    throw new CalibrationException(NAME + " calibration observed no finite value");
                }
                return symmetric ? TensorRange.symmetric(MAX) : new TensorRange(MIN, MAX);
            }

            @Override
            public void reset() {
                count = 0;
                nonFinite = 0;
            }
        };
    }
}
