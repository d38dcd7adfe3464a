package org.quant4j.cli.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.quant4j.api.TensorRange;
import org.quant4j.api.platform.CpuFeatures;

/**
 * JSON for {@code --json}: maps, lists, strings, numbers and booleans written with two-space
 * indentation. Commands build their documents as {@link java.util.LinkedHashMap}s, so keys keep
 * the order they were put in and the same result prints the same bytes.
 */
public final class JsonOutput {

    private static final ObjectMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private JsonOutput() {
    }

    /** {@code document} as indented JSON text. */
    public static String toJson(Object document) {
        try {
            return MAPPER.writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("Cannot write the result as JSON: " + e.getOriginalMessage(), e);
        }
    }

    /** {@code {"min": .., "max": ..}} of a range. */
    public static Map<String, Object> range(TensorRange range) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("min", range.min());
        m.put("max", range.max());
        return m;
    }

    /**
     * {@code {"model": .., "int8Kind": .., "flags": .., "summary": ..}} of a CPU, plus
     * {@code "unknownReason"} when it could not be read.
     */
    public static Map<String, Object> cpu(CpuFeatures cpu) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", cpu.model());
        m.put("int8Kind", cpu.int8Kind());
        m.put("flags", cpu.int8Flags());
        m.put("summary", cpu.summary());
        cpu.unknownReason().ifPresent(reason -> m.put("unknownReason", reason));
        return m;
    }
}
