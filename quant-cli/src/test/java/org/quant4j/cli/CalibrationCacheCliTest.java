package org.quant4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.io.CacheDirectories;
import org.quant4j.onnx.builder.ReferenceGraphs;

/**
 * quantize, calibrate and compare read their calibration samples through the calibration cache:
 * the first run writes the entry, the next ones hit it (and say so), the results are the same
 * bytes either way, and {@code --no-cache} leaves the cache alone.
 */
class CalibrationCacheCliTest {

    @TempDir
    Path dir;

    private String previousRoot;
    private Path cacheRoot;
    private Path model;
    private Path data;

    @BeforeEach
    void useAFreshCacheRoot() {
        previousRoot = System.getProperty(CacheDirectories.PROPERTY);
        cacheRoot = dir.resolve("cache");
        System.setProperty(CacheDirectories.PROPERTY, cacheRoot.toString());
        model = TestFiles.model(ReferenceGraphs.smallCnn(3), dir.resolve("cnn.onnx"));
        data = Samples.images(dir, 24);
    }

    @AfterEach
    void restoreTheCacheRoot() {
        if (previousRoot == null) {
            System.clearProperty(CacheDirectories.PROPERTY);
        } else {
            System.setProperty(CacheDirectories.PROPERTY, previousRoot);
        }
    }

    @Test
    void quantizeWritesTheEntryThenHitsItAndTheModelIsTheSame() throws Exception {
        CliRun first = CliRun.of("quantize", "-m", model, "-d", data, "--calibration-samples", 16, "-o",
                dir.resolve("first.onnx"), "--json");
        CliRun second = CliRun.of("quantize", "-m", model, "-d", data, "--calibration-samples", 16, "-o",
                dir.resolve("second.onnx"), "--json");
        CliRun text = CliRun.of("quantize", "-m", model, "-d", data, "--calibration-samples", 16, "-o",
                dir.resolve("text.onnx"));
        CliRun off = CliRun.of("quantize", "-m", model, "-d", data, "--calibration-samples", 16, "-o",
                dir.resolve("off.onnx"), "--json", "--no-cache");

        JsonNode written = cacheOf(first);
        assertEquals("written", written.get("status").asText(), first::toString);
        Path entry = Path.of(written.get("file").asText());
        assertTrue(entry.startsWith(cacheRoot.resolve("calibration")) && Files.isRegularFile(entry), entry::toString);
        JsonNode hit = cacheOf(second);
        assertEquals("hit", hit.get("status").asText(), second::toString);
        assertEquals(entry.toString(), hit.get("file").asText());
        assertEquals(0, text.exitCode(), text::toString);
        assertEquals("calibration cache: read 16 preprocessed samples from " + entry
                + " (--no-cache reads --data instead)", text.err().strip());
        assertEquals("off", cacheOf(off).get("status").asText(), off::toString);
        assertEquals("", first.err() + second.err() + off.err(), "no line without a hit");
        byte[] bytes = Files.readAllBytes(dir.resolve("off.onnx"));
        for (String name : new String[] {"first.onnx", "second.onnx", "text.onnx"}) {
            assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(name)), name + " is the model made without the cache");
        }
    }

    @Test
    void noCacheWritesNothingToTheCache() throws Exception {
        CliRun run = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("table.json"), "--json",
                "--no-cache");

        assertEquals("off", cacheOf(run).get("status").asText(), run::toString);
        assertFalse(Files.exists(cacheRoot), "the cache root was not created");
    }

    @Test
    void calibrateHitsTheEntryQuantizeWroteForTheSameSamples() throws Exception {
        CliRun quantize = CliRun.of("quantize", "-m", model, "-d", data, "--json");
        CliRun calibrate = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("table.json"), "--json");
        CliRun uncached = CliRun.of("calibrate", "-m", model, "-d", data, "-o", dir.resolve("uncached.json"),
                "--no-cache");

        assertEquals("written", cacheOf(quantize).get("status").asText(), quantize::toString);
        assertEquals("hit", cacheOf(calibrate).get("status").asText(), calibrate::toString);
        assertEquals(0, uncached.exitCode(), uncached::toString);
        assertEquals(Files.readString(dir.resolve("uncached.json")), Files.readString(dir.resolve("table.json")));
        try (Stream<Path> entries = Files.list(cacheRoot.resolve("calibration"))) {
            assertEquals(1, entries.count());
        }
    }

    @Test
    void compareCalibratesThroughTheCache() throws Exception {
        Object[] args = {"compare", "-m", model, "-d", data, "--calibration-samples", 16, "--methods",
            "FP32,static INT8 minmax per-channel", "--rounds", 1, "--json", "-o", null};
        args[args.length - 1] = dir.resolve("one");
        CliRun first = CliRun.of(args);
        args[args.length - 1] = dir.resolve("two");
        CliRun second = CliRun.of(args);

        assertEquals("written", cacheOf(first).get("status").asText(), first::toString);
        assertEquals("hit", cacheOf(second).get("status").asText(), second::toString);
    }

    private static JsonNode cacheOf(CliRun run) throws Exception {
        assertEquals(0, run.exitCode(), run::toString);
        JsonNode cache = new ObjectMapper().readTree(run.out()).get("calibrationCache");
        assertTrue(cache != null, "no calibrationCache field:\n" + run);
        return cache;
    }
}
