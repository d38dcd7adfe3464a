package org.quant4j.api.calibration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quant4j.api.InvalidInputException;

class CalibratorOptionsTest {

    @Test
    void parseReadsTrimmedPairsSortedByKey() {
        CalibratorOptions o = CalibratorOptions.parse(" percentile = 99.9 ,bins=4096");
        assertEquals(Map.of("percentile", "99.9", "bins", "4096"), o.asMap());
        assertEquals(List.of("bins", "percentile"), List.copyOf(o.asMap().keySet()));
    }

    @Test
    void valueMayContainEqualsSigns() {
        assertEquals("a=b", CalibratorOptions.parse("expr=a=b").getString("expr", null));
    }

    @Test
    void blankTextIsNoOptions() {
        assertEquals(CalibratorOptions.empty(), CalibratorOptions.parse(null));
        assertEquals(CalibratorOptions.empty(), CalibratorOptions.parse(""));
        assertEquals(CalibratorOptions.empty(), CalibratorOptions.parse("   "));
        assertTrue(CalibratorOptions.empty().asMap().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"percentile", "=99.9", "bins=1,,symmetric=true", "bins:1"})
    void malformedPairsAreRefusedWithAnExample(String text) {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> CalibratorOptions.parse(text));
        assertTrue(e.getMessage().contains("key=value"), e.getMessage());
    }

    @Test
    void typedGettersReturnDefaultsForMissingKeys() {
        CalibratorOptions o = CalibratorOptions.empty();
        assertEquals(2048, o.getInt("bins", 2048));
        assertEquals(99.99, o.getDouble("percentile", 99.99));
        assertTrue(o.getBoolean("symmetric", true));
        assertEquals("x", o.getString("mode", "x"));
    }

    @Test
    void typedGettersParseValues() {
        CalibratorOptions o = CalibratorOptions.parse("bins=-3,percentile=1e2,symmetric=TRUE,other=False");
        assertEquals(-3, o.getInt("bins", 0));
        assertEquals(100.0, o.getDouble("percentile", 0));
        assertTrue(o.getBoolean("symmetric", false));
        assertFalse(o.getBoolean("other", true));
    }

    @Test
    void badIntegerNamesTheOptionAndValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CalibratorOptions.parse("bins=2048.5").getInt("bins", 0));
        assertEquals("Option 'bins' must be an integer, got '2048.5'", e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"NaN", "Infinity", "-Infinity", "abc", ""})
    void badNumberNamesTheOptionAndValue(String value) {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CalibratorOptions.of(Map.of("percentile", value)).getDouble("percentile", 0));
        assertEquals("Option 'percentile' must be a finite number, got '" + value + "'", e.getMessage());
    }

    @Test
    void badBooleanNamesTheOptionAndValue() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> CalibratorOptions.parse("symmetric=yes").getBoolean("symmetric", false));
        assertEquals("Option 'symmetric' must be true or false, got 'yes'", e.getMessage());
    }

    @Test
    void requireOnlyNamesTheCalibratorTheOptionAndTheSupportedOnes() {
        CalibratorOptions o = CalibratorOptions.parse("bins=10,percentile=99");
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> o.requireOnly(Set.of("symmetric", "bins"), "entropy"));
        assertEquals("Calibrator 'entropy' has no option 'percentile'; its options are [bins, symmetric]", e.getMessage());
        o.requireOnly(Set.of("bins", "percentile", "symmetric"), "percentile");
    }

    @Test
    void ofTrimsAndRefusesNulls() {
        assertEquals(Map.of("bins", "8"), CalibratorOptions.of(Map.of(" bins ", " 8 ")).asMap());
        Map<String, String> withNull = new java.util.HashMap<>();
        withNull.put("bins", null);
        assertThrows(NullPointerException.class, () -> CalibratorOptions.of(withNull));
    }

    @Test
    void withReturnsACopyAndMapIsUnmodifiable() {
        CalibratorOptions a = CalibratorOptions.parse("bins=8");
        CalibratorOptions b = a.with("symmetric", "true");
        assertEquals(Map.of("bins", "8"), a.asMap());
        assertEquals(Map.of("bins", "8", "symmetric", "true"), b.asMap());
        assertEquals(b, CalibratorOptions.parse("symmetric=true,bins=8"));
        assertEquals(b.hashCode(), CalibratorOptions.parse("symmetric=true,bins=8").hashCode());
        assertThrows(UnsupportedOperationException.class, () -> a.asMap().put("x", "y"));
    }
}
