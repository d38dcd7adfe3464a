package org.quant4j.cli.options;

import java.util.List;
import org.quant4j.api.CalibrationMethod;

/** {@code --method NAME}: a calibration method by its id, e.g. {@code entropy}. */
public final class CalibrationMethodConverter extends NameConverter<CalibrationMethod> {

    public CalibrationMethodConverter() {
        super("calibration method", named(List.of(CalibrationMethod.values()), CalibrationMethod::id));
    }
}
