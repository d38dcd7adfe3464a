package org.quant4j.sensitivity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.TensorRange;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.NodeDecision;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.Node;
import org.quant4j.onnx.graph.TensorInfo;
import org.quant4j.onnx.quantize.ApiTensorCalibration;
import org.quant4j.onnx.quantize.QdqPlan;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;

/**
 * The accumulated SQNR of the one-pass error model against a straightforward computation: the float
 * model and the INT8 model each run on their own with every probed tensor as an output, the sums of
 * squares taken in Java in double over every element of every sample.
 */
class TensorErrorsTest {

    @TempDir
    Path dir;

    @Test
    void accumulatedSqnrMatchesSumsTakenInJavaOverSeparateRuns() {
        Dataset calibration = SensitivityTestSupport.fashionMnist(0, 64);
        // 150 samples in batches of 20 (fewer than the error model's runs of at most 25): the last
        // batch is shorter, so the per-batch means must be weighted by their sample counts to give
        // the pooled figure.
        Dataset data = SensitivityTestSupport.fashionMnist(2000, 150);
        SensitivityRequest request = SensitivityRequest.builder().model(SensitivityTestSupport.brokenGemmModel(dir))
                .calibration(calibration).evaluation(data).batchSize(20).threads(2).build();
        PreparedModel prepared = PreparedModel.read(request.model());
        Graph fp32 = prepared.graph();
        Map<String, TensorRange> table;
        try (ModelCalibrator calibrator = ModelCalibrators.get(request.backend())) {
            table = new ApiTensorCalibration(calibrator, request.config(), calibration, 32, 2, request.listener())
                    .calibrate(fp32, QdqPlan.candidateTensors(fp32, request.config()),
                            request.config()::activationScheme).ranges();
        }
        PreparedModel.Quantized quantized = prepared.quantized(request.config(), new TableCalibration(table, calibration));
        Graph int8 = quantized.graph();
        Set<String> layers = PreparedModel.layers(quantized.result()).stream().map(NodeDecision::nodeName)
                .collect(Collectors.toSet());

        Map<String, double[]> pass = SensitivityAnalysis.tensorErrors(request, fp32, int8, layers, data, dir);

        // Each quantized activation: the float tensor it stands for and its DequantizeLinear output.
        Map<String, String[]> probes = new LinkedHashMap<>();
        for (Node q : int8.nodes()) {
            if (!q.is("QuantizeLinear") || int8.isInitializer(q.input(0))) {
                continue;
            }
            Optional<Node> dq = int8.consumers(q.output(0)).stream().filter(c -> c.is("DequantizeLinear")).findFirst();
            String node = int8.producer(q.input(0)).map(Node::name).orElse(q.input(0));
            if (dq.isEmpty()) {
                continue;
            }
            // A quantized graph output keeps its name on the DequantizeLinear output.
            String dqOut = dq.get().output(0);
            String reference = computes(fp32, q.input(0)) ? q.input(0) : computes(fp32, dqOut) ? dqOut : null;
            if (reference != null) {
                probes.putIfAbsent(node, new String[] {reference, dqOut});
            }
        }
        Graph floatCopy = prepared.copy();
        Graph int8Copy = Graph.of(int8.toModel());
        probes.values().forEach(p -> {
            if (!floatCopy.isGraphOutput(p[0])) {
                floatCopy.addOutput(TensorInfo.floatTensorOfUnknownShape(p[0]));
            }
            if (!int8Copy.isGraphOutput(p[1])) {
                int8Copy.addOutput(TensorInfo.floatTensorOfUnknownShape(p[1]));
            }
        });
        Path floatFile = dir.resolve("fp32-probes.onnx");
        Path int8File = dir.resolve("int8-probes.onnx");
        floatCopy.toModel().write(floatFile);
        int8Copy.toModel().write(int8File);
        Map<String, double[]> sums = new LinkedHashMap<>();
        RunnerOptions options = RunnerOptions.builder().intraOpThreads(2).build();
        try (OrtRunner f = OrtRunner.open(floatFile, options); OrtRunner q = OrtRunner.open(int8File, options)) {
            var batches = f.batches(data, 40);
            while (batches.hasNext()) {
                var batch = batches.next();
                Map<String, FloatTensor> fo = f.run(batch);
                Map<String, FloatTensor> qo = q.run(batch);
                probes.forEach((node, p) -> {
                    float[] ref = fo.get(p[0]).data();
                    float[] dq = qo.get(p[1]).data();
                    double[] s = sums.computeIfAbsent(node, k -> new double[2]);
                    for (int i = 0; i < ref.length; i++) {
                        double e = (double) dq[i] - ref[i];
                        s[0] += (double) ref[i] * ref[i];
                        s[1] += e * e;
                    }
                });
            }
        }

        // Only the layers' outputs are probed (not the graph input, not the Flatten before the classifier).
        List<String> compared = sums.keySet().stream().filter(layers::contains).toList();
        assertEquals(4, compared.size(), compared.toString());
        assertEquals(Set.copyOf(compared), pass.keySet(), "every layer's output and nothing else is measured");
        for (String node : compared) {
            double expected = 10 * Math.log10(sums.get(node)[0] / sums.get(node)[1]);
            // The pass sums in float32 inside ONNX Runtime (about 3e-5 relative over the 250,000
            // squares of a batch of the first conv's output), this test in double; 1e-3 dB is 2.3e-4
            // relative in the energy ratio.
            assertEquals(expected, pass.get(node)[0], 1e-3, node);
        }
        // The first conv reads only the graph input, the same tensor in float and INT8: its local error
        // is its accumulated error, without a local copy in the model. The other layers read tensors
        // that INT8 has changed, so each has a local copy and a local SQNR of its own.
        String first = int8.consumers(int8.consumers(fp32.inputs().get(0).name()).get(0).output(0)).stream()
                .filter(n -> n.is("DequantizeLinear")).findFirst()
                .flatMap(dq -> int8.consumers(dq.output(0)).stream().findFirst()).orElseThrow().name();
        assertEquals(10 * Math.log10(sums.get(first)[0] / sums.get(first)[1]), pass.get(first)[1], 1e-3, first);
        TensorErrorModel model = TensorErrorModel.build(fp32, int8, true, layers);
        for (String node : compared) {
            String tensor = model.probes().entrySet().stream().filter(e -> e.getValue().equals(node)).findFirst()
                    .orElseThrow().getKey();
            assertEquals(node.equals(first) ? TensorErrorModel.ACCUMULATED + tensor : TensorErrorModel.LOCAL + tensor,
                    model.local().get(tensor).noise(), node);
            assertTrue(Double.isFinite(pass.get(node)[1]) || pass.get(node)[1] == Double.POSITIVE_INFINITY, node);
        }
        assertEquals(compared.size() - 1, model.model().nodes().stream()
                .filter(n -> n.name().startsWith("l/") && !n.is("QuantizeLinear") && !n.is("DequantizeLinear"))
                .count(), "one local copy per layer but the first");
    }

    /**
     * With a local sub-sample, the local SQNR is the one of the samples it names (the first of each run,
     * selected here by hand and measured in full), the accumulated SQNR still that of every sample.
     */
    @Test
    void localSqnrOnASubSampleIsTheLocalSqnrOfThoseSamples() throws Exception {
        Dataset calibration = SensitivityTestSupport.fashionMnist(0, 64);
        // 150 samples in runs of 20: 7 full runs and one of 10; 30 asked for: the first ceil(30 / 8) = 4
        // of each run, 32 samples.
        Dataset data = SensitivityTestSupport.fashionMnist(2000, 150);
        SensitivityRequest.Builder builder = SensitivityRequest.builder()
                .model(SensitivityTestSupport.brokenGemmModel(dir)).calibration(calibration).evaluation(data)
                .batchSize(20).threads(2);
        SensitivityRequest all = builder.build();
        SensitivityRequest sampled = builder.localSamples(30).build();
        assertEquals(new SensitivityAnalysis.LocalSamples(4, 32), SensitivityAnalysis.localSamples(sampled, data));
        assertEquals(new SensitivityAnalysis.LocalSamples(20, 150),
                SensitivityAnalysis.localSamples(builder.localSamples(150).build(), data));
        assertEquals(new SensitivityAnalysis.LocalSamples(0, 0),
                SensitivityAnalysis.localSamples(builder.localSamples(0).localErrors(false).build(), data));

        PreparedModel prepared = PreparedModel.read(all.model());
        Graph fp32 = prepared.graph();
        TableCalibration table = TableCalibration.calibrate(prepared, all.config(), all.backend(), calibration, 32, 2,
                all.listener());
        PreparedModel.Quantized quantized = prepared.quantized(all.config(), table);
        Graph int8 = quantized.graph();
        Set<String> layers = PreparedModel.layers(quantized.result()).stream().map(NodeDecision::nodeName)
                .collect(Collectors.toSet());
        int[] firstOfEachRun = new int[32];
        int n = 0;
        for (int run = 0; run < 150; run += 20) {
            for (int i = 0; i < 4; i++) {
                firstOfEachRun[n++] = run + i;
            }
        }

        Map<String, double[]> pass = SensitivityAnalysis.tensorErrors(sampled, fp32, int8, layers, data,
                java.nio.file.Files.createDirectories(dir.resolve("sampled")));
        Map<String, double[]> full = SensitivityAnalysis.tensorErrors(all, fp32, int8, layers, data,
                java.nio.file.Files.createDirectories(dir.resolve("all")));
        Map<String, double[]> subset = SensitivityAnalysis.tensorErrors(all, fp32, int8, layers,
                Subset.of(data, firstOfEachRun), java.nio.file.Files.createDirectories(dir.resolve("subset")));

        assertEquals(4, pass.size());
        TensorErrorModel model = TensorErrorModel.build(fp32, int8, true, layers, 4);
        for (String node : pass.keySet()) {
            String tensor = model.probes().entrySet().stream().filter(e -> e.getValue().equals(node)).findFirst()
                    .orElseThrow().getKey();
            assertEquals(full.get(node)[0], pass.get(node)[0], 1e-9, node + ": accumulated over every sample");
            if (model.local().get(tensor).noise().startsWith(TensorErrorModel.ACCUMULATED)) {
                // The first conv reads only the graph input: its local error is its accumulated one, on every sample.
                assertEquals(full.get(node)[0], pass.get(node)[1], 1e-9, node);
            } else {
                assertEquals(TensorErrorModel.SUB_SIGNAL + tensor, model.local().get(tensor).signal(), node);
                assertEquals(subset.get(node)[1], pass.get(node)[1], 1e-3, node + ": local on the sub-sample");
                assertTrue(Math.abs(full.get(node)[1] - pass.get(node)[1]) > 1e-6, node + ": not every sample");
            }
        }
    }

    @Test
    void unmeasuredModelHoldsBothGraphsAndTheLocalCopiesWithoutSums() {
        Dataset calibration = SensitivityTestSupport.fashionMnist(0, 64);
        SensitivityRequest request = SensitivityRequest.builder().model(SensitivityTestSupport.brokenGemmModel(dir))
                .calibration(calibration).evaluation(calibration).batchSize(32).threads(2).build();
        PreparedModel prepared = PreparedModel.read(request.model());
        Graph fp32 = prepared.graph();
        PreparedModel.Quantized quantized = prepared.quantized(request.config(), TableCalibration.calibrate(prepared,
                request.config(), request.backend(), calibration, 32, 2, request.listener()));
        Set<String> layers = PreparedModel.layers(quantized.result()).stream().map(NodeDecision::nodeName)
                .collect(Collectors.toSet());

        Graph plain = TensorErrorModel.unmeasured(fp32, quantized.graph(), false, layers);
        Graph withLocal = TensorErrorModel.unmeasured(fp32, quantized.graph(), true, layers);

        assertEquals(List.of("logits", "q/logits"), plain.outputs().stream().map(TensorInfo::name).toList());
        // One uint8 output per local copy: every layer but the first conv, which reads the graph input.
        assertEquals(2 + layers.size() - 1, withLocal.outputs().size());
        for (Graph g : List.of(plain, withLocal)) {
            assertTrue(g.nodes().stream().noneMatch(x -> x.is("ReduceSumSquare") || x.is("Sub")),
                    "nothing is measured");
        }
    }

    private static boolean computes(Graph g, String tensor) {
        return g.producer(tensor).isPresent() || g.isGraphInput(tensor) && !g.isInitializer(tensor);
    }
}
