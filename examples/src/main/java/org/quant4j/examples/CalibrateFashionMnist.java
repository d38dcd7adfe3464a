package org.quant4j.examples;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.Provenance;
import org.quant4j.api.QuantParams;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.CalibratorOptions;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.data.PixelTransform;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.calibration.stats.StatisticsExport;
import org.quant4j.calibration.stats.TensorStatistics;
import org.quant4j.calibration.stats.TensorStatisticsCollector;
import org.quant4j.calibration.table.CalibrationTable;
import org.quant4j.calibration.table.TensorRtCalibrationCache;

/**
 * Calibrates two tensors on real Fashion-MNIST images with all five calibrators and writes what a
 * deployment needs: a JSON calibration table, a TensorRT calibration cache and per-tensor statistics
 * (JSON and CSV). It then measures, for every method, the signal-to-quantization-noise ratio that
 * its int8 range gives on the same data, so the trade-off between clipping and resolution is
 * visible.
 *
 * <p>The two tensors: {@code input}, the normalised pixels, and {@code edges}, the response of a
 * 3x3 horizontal Sobel filter, whose long tails are where clipping calibrators differ from min-max.
 *
 * <p>Usage: {@code CalibrateFashionMnist [outputDir] [samples] [seed]}.
 */
public final class CalibrateFashionMnist {

    private static final List<String> METHODS = List.of(
            CalibrationMethod.MIN_MAX.id(), CalibrationMethod.MOVING_AVERAGE_MIN_MAX.id(),
            CalibrationMethod.ENTROPY.id(), CalibrationMethod.PERCENTILE.id(), CalibrationMethod.MSE.id());

    private CalibrateFashionMnist() {
    }

    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "calibration-demo");
        int samples = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42L;

        Dataset train = FashionMnist.train(FashionMnist.directory(), PixelTransform.unitScaled(FashionMnist.NORMALIZATION));
        Subset calibration = CalibrationSampler.stratified(train, samples, seed);
        System.out.printf(Locale.ROOT, "Fashion-MNIST: %d training images, %d selected (class-stratified, seed %d)%n",
                train.size(), calibration.size(), seed);

        Map<String, CalibratorOptions> methods = new LinkedHashMap<>();
        for (String m : METHODS) {
            methods.put(m, CalibratorOptions.parse("symmetric=true"));
        }
        TensorStatisticsCollector input = new TensorStatisticsCollector("input", methods, 2048);
        TensorStatisticsCollector edges = new TensorStatisticsCollector("edges", methods, 2048);
        for (var it = calibration.batches(64); it.hasNext(); ) {
            Batch batch = it.next();
            input.observe(batch.data());
            edges.observe(sobel(batch));
        }
        List<TensorStatistics> statistics = List.of(input.statistics(), edges.statistics());

        StatisticsExport.writeJson(statistics, out.resolve("statistics.json"));
        StatisticsExport.writeCsv(statistics, out.resolve("statistics.csv"));

        CalibrationTable.Builder table = CalibrationTable.builder()
                .calibrationMethod(CalibrationMethod.ENTROPY)
                .dataFingerprint(calibration.fingerprint())
                .numSamples(calibration.size())
                .seed(seed)
                .provenance(Provenance.builder()
                        .put("tool", "quant4j examples/CalibrateFashionMnist")
                        .calibration(CalibrationMethod.ENTROPY.id(), calibration.fingerprint())
                        .seed(seed)
                        .platform()
                        .build());
        for (TensorStatistics s : statistics) {
            table.put(s.name(), CalibrationTable.Entry.of(s.ranges().get(CalibrationMethod.ENTROPY.id()),
                    CalibrationMethod.ENTROPY).withOptions(methods.get(CalibrationMethod.ENTROPY.id())));
        }
        CalibrationTable entropyTable = table.build();
        entropyTable.write(out.resolve("calibration-entropy.json"));
        TensorRtCalibrationCache.fromTable(entropyTable, 100100, TensorRtCalibrationCache.Algorithm.ENTROPY_CALIBRATION_2)
                .write(out.resolve("calibration-entropy.cache"));

        System.out.println();
        System.out.println("| tensor | method | range | int8 scale | SQNR (dB) |");
        System.out.println("|---|---|---|---|---|");
        for (TensorStatistics s : statistics) {
            boolean isInput = s.name().equals("input");
            for (String m : METHODS) {
                TensorRange r = s.ranges().get(m);
                QuantParams p = QuantParams.forRange(r, QuantScheme.INT8_SYMMETRIC);
                double sqnr = sqnr(calibration, isInput, p);
                System.out.printf(Locale.ROOT, "| %s | %s | [%.4f, %.4f] | %.6f | %.2f |%n",
                        s.name(), m, r.min(), r.max(), p.scale(0), sqnr);
            }
        }
        System.out.println();
        System.out.println("Wrote " + out.resolve("statistics.json") + ", statistics.csv, calibration-entropy.json"
                + " and calibration-entropy.cache (TensorRT format)");
    }

    /** Horizontal Sobel response of every 28x28 image of the batch (zero padding). */
    static float[] sobel(Batch batch) {
        int[] shape = batch.sampleShape();
        int h = shape[1];
        int w = shape[2];
        float[] in = batch.data();
        float[] outValues = new float[in.length];
        for (int n = 0; n < batch.size(); n++) {
            int base = n * h * w;
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float gx = 0;
                    for (int dy = -1; dy <= 1; dy++) {
                        int yy = y + dy;
                        if (yy < 0 || yy >= h) {
                            continue;
                        }
                        float weight = dy == 0 ? 2 : 1;
                        float left = x > 0 ? in[base + yy * w + x - 1] : 0;
                        float right = x < w - 1 ? in[base + yy * w + x + 1] : 0;
                        gx += weight * (right - left);
                    }
                    outValues[base + y * w + x] = gx;
                }
            }
        }
        return outValues;
    }

    /** 10 log10(signal power / quantization noise power) of the tensor under {@code params}. */
    static double sqnr(Dataset data, boolean input, QuantParams params) {
        double signal = 0;
        double noise = 0;
        for (var it = data.batches(64); it.hasNext(); ) {
            Batch batch = it.next();
            float[] values = input ? batch.data() : sobel(batch);
            for (float v : values) {
                float q = params.dequantize(params.quantize(v, 0), 0);
                signal += (double) v * v;
                noise += (double) (v - q) * (v - q);
            }
        }
        return 10 * Math.log10(signal / noise);
    }
}
