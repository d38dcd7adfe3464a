package org.quant4j.calibration.cache;

import java.nio.file.Files;
import java.nio.file.Path;
import org.quant4j.calibration.data.SyntheticDataset;

/**
 * One process of the two-JVM race in {@link CalibrationCacheTest}: creates its ready file, waits
 * until the start file exists, looks up the seeded samples in the cache directory, checks every
 * value it reads back against the source, and prints {@code ok} or the failure.
 */
public final class CacheRaceMain {

    private CacheRaceMain() {
    }

    /**
     * Runs one lookup.
     *
     * @param args the cache directory, the start file, this process's ready file
     * @throws Exception when the ready file cannot be created
     */
    public static void main(String[] args) throws Exception {
        CalibrationCache cache = new CalibrationCache(Path.of(args[0]));
        Files.createFile(Path.of(args[2]));
        while (!Files.exists(Path.of(args[1]))) {
            Thread.onSpinWait();
        }
        try {
            CachedDataset cached = cache.getOrBuild(CalibrationCacheTest.raceSource());
            SyntheticDataset expected = CalibrationCacheTest.raceSource();
            float[] want = new float[expected.sampleElements()];
            float[] got = new float[want.length];
            for (int i = 0; i < expected.size(); i++) {
                expected.read(i, want, 0);
                cached.read(i, got, 0);
                if (!java.util.Arrays.equals(want, got)) {
                    System.out.println("sample " + i + " differs");
                    return;
                }
            }
            System.out.println("ok");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e);
        }
    }
}
