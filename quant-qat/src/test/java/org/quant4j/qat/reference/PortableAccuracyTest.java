package org.quant4j.qat.reference;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Batch;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.quantize.QuantizationRequest;
import org.quant4j.calibration.data.FashionMnist;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.quantize.OnnxRuntimeQuantizer;
import org.quant4j.onnxruntime.runtime.OptimizationLevel;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Static INT8 with the default (portable) kernel target is as accurate on ONNX Runtime's integer
 * kernels as with its optimisations off (Q/DQ computed in float), on whatever CPU runs the test:
 * on x86-64 without VNNI this is the check that nothing saturates. Per channel stays close to
 * FP32 and is not worse than per tensor. All 10,000 Fashion-MNIST test images; 500 stratified
 * training images (seed 42) to calibrate, min-max, as the demo does.
 */
class PortableAccuracyTest {

    private static final Logger LOG = LoggerFactory.getLogger(PortableAccuracyTest.class);

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ReferenceModel.class)
    void portableInt8MatchesFloatQdqOnThisCpuAndStaysNearFp32(ReferenceModel model) throws Exception {
        Path fp32 = ReferenceModelsTest.directory().resolve(model.modelFileName());
        assertTrue(Files.isRegularFile(fp32), "missing " + fp32);
        Dataset calibration = CalibrationSampler.stratified(FashionMnist.train(), 500, 42);
        Dataset test = FashionMnist.test();
        double fp32Top1 = top1(fp32, test, OptimizationLevel.ALL);
        double[] integer = new double[2];
        for (int i = 0; i < 2; i++) {
            boolean perChannel = i == 0;
            Path out = dir.resolve(model.id() + (perChannel ? "-pc" : "-pt") + ".onnx");
            try (OnnxRuntimeQuantizer q = new OnnxRuntimeQuantizer()) {
                q.quantize(QuantizationRequest.builder().model(fp32).output(out)
                        .config(QuantizationConfig.builder().perChannel(perChannel).build())
                        .calibrationData(calibration).build());
            }
            assertTrue(SaturationAnalysis.ofWeights(OnnxModel.read(out).graph()).portable(), out.toString());
            integer[i] = top1(out, test, OptimizationLevel.ALL);
            double floatQdq = top1(out, test, OptimizationLevel.DISABLED);
            String line = String.format(Locale.ROOT, "%s %s on %s: FP32 %.4f, INT8 integer kernels %.4f, Q/DQ in float"
                    + " %.4f", model.id(), perChannel ? "per channel" : "per tensor", CpuFeatures.host().int8Kind(),
                    fp32Top1, integer[i], floatQdq);
            LOG.info("{}", line);
            assertTrue(Math.abs(integer[i] - floatQdq) <= 0.001 + 1e-9, line);
        }
        double budget = model == ReferenceModel.EFFICIENTNET ? 0.005 : 0.003;
        assertTrue(integer[0] >= fp32Top1 - budget - 1e-9, model + " per channel " + integer[0] + " vs FP32 " + fp32Top1);
        assertTrue(integer[0] >= integer[1] - 0.001 - 1e-9, model + " per channel " + integer[0] + " vs per tensor "
                + integer[1]);
    }

    private static double top1(Path model, Dataset data, OptimizationLevel level) {
        int correct = 0;
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.builder().intraOpThreads(2).optimization(level)
                .build())) {
            String output = runner.outputNames().get(0);
            Iterator<Batch> batches = data.batches(256);
            while (batches.hasNext()) {
                Batch b = batches.next();
                FloatTensor scores = runner.run(b).get(output);
                int classes = scores.size() / b.size();
                int[] labels = b.labels().orElseThrow();
                for (int i = 0; i < b.size(); i++) {
                    int best = 0;
                    for (int c = 1; c < classes; c++) {
                        if (scores.get(i * classes + c) > scores.get(i * classes + best)) {
                            best = c;
                        }
                    }
                    correct += best == labels[i] ? 1 : 0;
                }
            }
        }
        return (double) correct / data.size();
    }
}
