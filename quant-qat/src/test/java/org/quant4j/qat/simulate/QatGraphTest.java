package org.quant4j.qat.simulate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quant4j.onnxruntime.quantize.CalibrationPass;
import org.quant4j.api.CalibrationMethod;
import org.quant4j.api.ModelException;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.QuantizationMode;
import org.quant4j.api.TensorRange;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.sampling.CalibrationSampler;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnx.quantize.QdqLayout;
import org.quant4j.onnx.quantize.QuantizationContext;
import org.quant4j.onnx.quantize.StaticQdqQuantizer;
import org.quant4j.onnxruntime.runtime.OrtRunner;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.transform.TransformPipeline;
import org.quant4j.qat.TinyModels;
import org.quant4j.qat.export.OnnxExporter;
import org.quant4j.qat.train.InMemoryImages;
import org.quant4j.qat.train.TorchRuntime;

/** The simulation of the tiny ResNet (Conv-BN-Relu, residual Adds, GAP, Gemm) against ONNX Runtime and the rules of QAT. */
class QatGraphTest {

    private static final int IMAGES = 32;
    private static final QuantizationConfig CONFIG = QuantizationConfig.builder().mode(QuantizationMode.STATIC)
            .perChannel(true).calibrationMethod(CalibrationMethod.MIN_MAX).build();

    private NDManager manager;
    private OnnxModel model;
    private QatGraph graph;
    private float[] images;

    @BeforeEach
    void build() {
        model = TinyModels.exportedResNet();
        manager = TorchRuntime.engine(2).newBaseManager();
        graph = new QatGraph(model, layout(model), RangeMode.MOVING_AVERAGE, 0.5, manager);
        graph.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        InMemoryImages test = TinyModels.test();
        images = test.images(manager, test.allIndices(), 0, IMAGES).toFloatArray();
    }

    @AfterEach
    void close() {
        manager.close();
    }

    static QdqLayout layout(OnnxModel model) {
        Graph folded = Graph.of(model);
        TransformPipeline.inference().apply(folded);
        return StaticQdqQuantizer.layout(folded, QuantizationContext.calibratedBy(CONFIG, new CalibrationPass(CONFIG,
                CalibrationSampler.stratified(org.quant4j.calibration.data.FashionMnist.train(), 100, 3),
                50, ProgressListener.NONE, RunnerOptions.defaults())));
    }

    private float[] forward(boolean training) {
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(images, new Shape(IMAGES, 1, 28, 28));
            return graph.forward(new ParameterStore(scope, false), new NDList(x), training).singletonOrThrow()
                    .toFloatArray();
        }
    }

    @Test
    void withoutFakeQuantizationItComputesWhatOnnxRuntimeComputes() {
        graph.setFakeQuantization(false);
        float[] djl = forward(false);
        float[] ort;
        try (OrtRunner runner = OrtRunner.open(model, RunnerOptions.defaults())) {
            ort = runner.run(Map.of(OnnxExporter.INPUT, new FloatTensor(new long[] {IMAGES, 1, 28, 28}, images)))
                    .get(OnnxExporter.OUTPUT).data();
        }
        assertArrayEquals(ort, djl, 1e-4f);
    }

    @Test
    void fakeQuantizationChangesTheOutputOnlyALittle() {
        graph.setFakeQuantization(false);
        float[] fp32 = forward(false);
        graph.setFakeQuantization(true);
        float[] int8 = forward(false);
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < fp32.length; i++) {
            signal += fp32[i] * fp32[i];
            noise += (fp32[i] - int8[i]) * (fp32[i] - int8[i]);
        }
        assertTrue(noise > 0, "fake quantization must change something");
        // The same bound the static quantizer meets with per-channel min-max (issue 3): 20 dB.
        assertTrue(10 * Math.log10(signal / noise) > 20, "SQNR " + 10 * Math.log10(signal / noise));
    }

    @Test
    void simulatesExactlyTheTensorsStaticQuantizationQuantizes() {
        // The QuantizeLinear inputs of the static PTQ model of the same graph are its quantized activations.
        Graph ptq = Graph.of(model);
        TransformPipeline.inference().apply(ptq);
        new StaticQdqQuantizer().quantize(ptq, QuantizationContext.calibratedBy(CONFIG, new CalibrationPass(CONFIG,
                CalibrationSampler.stratified(org.quant4j.calibration.data.FashionMnist.train(), 50, 3),
                50, ProgressListener.NONE, RunnerOptions.defaults())));
        // The rewriter renames a quantized graph output's producer (logits -> logits_float) so that the
        // DequantizeLinear writes the graph output: name such a tensor by the graph output.
        Set<String> quantized = ptq.nodes().stream().filter(n -> n.is("QuantizeLinear"))
                .map(q -> ptq.consumers(q.output(0)).stream().map(dq -> dq.output(0)).filter(ptq::isGraphOutput)
                        .findFirst().orElse(q.input(0)))
                .collect(Collectors.toCollection(TreeSet::new));
        assertEquals(quantized, new TreeSet<>(graph.activationRanges().keySet()));
        long quantizedWeights = ptq.nodes().stream().filter(n -> n.is("Conv") || n.is("Gemm")).count();
        assertEquals(quantizedWeights, layout(model).weights().size());
    }

    @Test
    void straightThroughEstimatorGivesConvWeightsGradients() {
        String firstConvWeight = Graph.of(model).nodes().stream().filter(n -> n.is("Conv")).findFirst()
                .map(n -> n.input(1)).orElseThrow();
        try (NDManager scope = manager.newSubManager()) {
            NDArray x = scope.create(images, new Shape(IMAGES, 1, 28, 28));
            try (GradientCollector c = Engine.getEngine(TorchRuntime.ENGINE).newGradientCollector()) {
                NDArray y = graph.forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
                c.backward(y.square().sum());
            }
            NDArray gradient = graph.initializerParameter(firstConvWeight).getArray().getGradient();
            assertTrue(gradient.abs().sum().getFloat() > 0, "the first conv weight got no gradient");
        }
    }

    @Test
    void observersMoveUntilFrozen() {
        Map<String, TensorRange> initial = graph.activationRanges();
        forward(true);
        Map<String, TensorRange> moved = graph.activationRanges();
        assertNotEquals(initial, moved, "a training batch moves moving-average ranges (constant 0.5)");
        graph.setObserversFrozen(true);
        forward(true);
        forward(true);
        assertEquals(moved, graph.activationRanges());
        forward(false);
        assertEquals(moved, graph.activationRanges(), "inference never moves ranges");
    }

    @Test
    void batchNormStatisticsMoveUntilFrozen() {
        String mean = Graph.of(model).nodes().stream().filter(n -> n.is("BatchNormalization")).findFirst()
                .map(n -> n.input(3)).orElseThrow();
        float[] before = graph.initializerParameter(mean).getArray().toFloatArray();
        forward(true);
        float[] moved = graph.initializerParameter(mean).getArray().toFloatArray();
        assertTrue(maxDifference(before, moved) > 1e-6, "a training batch updates the running mean");
        graph.setBatchNormFrozen(true);
        forward(true);
        assertArrayEquals(moved, graph.initializerParameter(mean).getArray().toFloatArray(), 0f);
    }

    @Test
    void frozenBatchNormTrainsTheFoldedConvolutionThatIsExported() {
        // With frozen statistics, the training forward is the inference forward: the folded model.
        graph.setBatchNormFrozen(true);
        graph.setObserversFrozen(true);
        assertArrayEquals(forward(false), forward(true), 1e-5f);
    }

    @Test
    void learnedScalesGetGradientsAndSpanTheCalibratedRanges() {
        QdqLayout layout = layout(model);
        QatGraph lsq = new QatGraph(model, layout, RangeMode.LEARNED_SCALE, 0.01, manager);
        lsq.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 28, 28));
        for (QdqLayout.ActivationGroup g : layout.activations()) {
            // The learned scale starts at the calibrated one, so the exported parameters are the calibrated ones.
            assertEquals(g.params(), lsq.activationQuantizers().stream().filter(q -> q.tensors().equals(g.tensors()))
                    .findFirst().orElseThrow().params(), g.tensors().toString());
        }
        try (NDManager scope = manager.newSubManager()) {
            // Fashion-MNIST pixels are multiples of 1/255, exactly on the input quantizer's grid, where its
            // scale's gradient (the rounding residual) is zero but for float noise: move them off it.
            NDArray x = scope.create(images, new Shape(IMAGES, 1, 28, 28)).mul(0.997f);
            try (GradientCollector c = Engine.getEngine(TorchRuntime.ENGINE).newGradientCollector()) {
                NDArray y = lsq.forward(new ParameterStore(scope, false), new NDList(x), true).singletonOrThrow();
                c.backward(y.square().sum());
            }
        }
        long withGradient = lsq.getParameters().stream().filter(p -> p.getKey().endsWith(".scale"))
                .filter(p -> p.getValue().getArray().getGradient().abs().sum().getFloat() > 0).count();
        assertEquals(layout.activations().size(), withGradient, "every learned scale gets a gradient");
    }

    @Test
    void unsupportedOpsAreNamed() {
        GraphBuilder b = GraphBuilder.create("softmax");
        String x = b.input("x", new long[] {-1, 4});
        String y = b.softmax(x, 1);
        b.output(y, "y");
        OnnxModel softmax = b.buildModel();
        QdqLayout empty = new QdqLayout(java.util.List.of(), Map.of());
        ModelException e = assertThrows(ModelException.class,
                () -> new QatGraph(softmax, empty, RangeMode.MIN_MAX, 0.01, manager));
        assertTrue(e.getMessage().contains("Softmax"), e.getMessage());
    }

    private static double maxDifference(float[] a, float[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }
}
