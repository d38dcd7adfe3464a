package org.quant4j.cli.options;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Numbers of things on the command line: a value out of range is a bad command line (exit code 2),
 * reported while parsing, before any work starts.
 */
public final class CountConverter {

    private CountConverter() {
    }

    /** A count of at least 1: samples, a batch size, rounds, resamples. */
    public static final class Positive implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = parse(value);
            if (n <= 0) {
                throw new TypeConversionException("'" + value + "' is not a positive number: give 1 or more");
            }
            return n;
        }
    }

    /** A count of at least 0, where 0 has a meaning of its own (threads: ONNX Runtime chooses). */
    public static final class NonNegative implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int n = parse(value);
            if (n < 0) {
                throw new TypeConversionException("'" + value + "' is negative: give 0 or more");
            }
            return n;
        }
    }

    private static int parse(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new TypeConversionException("'" + value + "' is not a whole number");
        }
    }
}
