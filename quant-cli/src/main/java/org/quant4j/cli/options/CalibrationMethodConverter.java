package org.quant4j.cli.options;

import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.calibration.Calibrators;

/**
 * {@code --method NAME}: a calibration method by its id, e.g. {@code entropy}: any calibrator on
 * the classpath (the built-ins first, in their usual order, then the others in classpath order), so
 * a name none offers is a usage error listing the names that are.
 */
public final class CalibrationMethodConverter extends NameConverter<CalibrationMethod> {

    public CalibrationMethodConverter() {
        super("calibration method", available());
    }

    private static Map<String, CalibrationMethod> available() {
        Map<String, CalibrationMethod> byName = new LinkedHashMap<>();
        for (CalibrationMethod m : CalibrationMethod.builtIns()) {
            if (Calibrators.registry().contains(m.id())) {
                byName.put(m.id(), m);
            }
        }
        for (String name : Calibrators.names()) {
            byName.putIfAbsent(name, CalibrationMethod.of(name));
        }
        return byName;
    }
}
