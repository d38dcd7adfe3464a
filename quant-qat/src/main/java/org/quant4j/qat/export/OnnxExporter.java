package org.quant4j.qat.export;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.norm.Dropout;
import java.util.Objects;
import org.quant4j.api.ModelException;
import org.quant4j.onnx.builder.BatchNormParams;
import org.quant4j.onnx.builder.ConvOptions;
import org.quant4j.onnx.builder.GraphBuilder;
import org.quant4j.onnx.graph.FloatTensor;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.qat.model.Architecture;
import org.quant4j.qat.model.FunctionLayer;
import org.quant4j.qat.model.ResidualBlock;
import org.quant4j.qat.model.SqueezeExcitation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports an initialised DJL block to a float32 ONNX model through the {@link GraphBuilder}, reading
 * the current parameters of every layer. Supported blocks: {@link SequentialBlock}, {@link Conv2d}
 * (to Conv), {@link BatchNorm} (to BatchNormalization with running statistics), {@link Linear}
 * (to Gemm with {@code transB = 1}), {@link Dropout} (dropped: an identity at inference),
 * {@link FunctionLayer} (Relu, Sigmoid, SiLU as Sigmoid and Mul, MaxPool, GlobalAveragePool,
 * Flatten), {@link ResidualBlock} (Add, then Relu when the block has it) and
 * {@link SqueezeExcitation} (GlobalAveragePool, Conv, SiLU, Conv, Sigmoid, Mul). The model has one
 * input named {@value #INPUT} with a dynamic batch axis and one output named {@value #OUTPUT}.
 *
 * <p>DJL's {@code BatchNorm} exposes neither its axis nor its epsilon: the exporter assumes the
 * channel axis 1 and {@link Architecture#BATCH_NORM_EPSILON}, which every quant4j family uses.
 */
public final class OnnxExporter {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxExporter.class);

    /** Name of the exported model's input. */
    public static final String INPUT = "input";
    /** Name of the exported model's output (class scores before softmax). */
    public static final String OUTPUT = "logits";
    private final GraphBuilder builder;

    private OnnxExporter(GraphBuilder builder) {
        this.builder = builder;
    }

    /**
     * Exports {@code block}, an initialised block of {@code architecture}, as a model named {@code name}
     * with input {@code [N, C, H, W]}.
     *
     * @throws ModelException when the block contains a layer the exporter cannot map, or is not initialised
     */
    public static OnnxModel export(Block block, Architecture architecture, String name) {
        return export(block, new long[] {-1, architecture.inputChannels(), architecture.imageSize(),
            architecture.imageSize()}, name);
    }

    /**
     * Exports {@code block} as a model named {@code name} whose input has {@code inputShape}
     * ({@code -1} for a dynamic axis).
     *
     * @throws ModelException when the block contains a layer the exporter cannot map, or is not initialised
     */
    public static OnnxModel export(Block block, long[] inputShape, String name) {
        Objects.requireNonNull(block, "block");
        if (!block.isInitialized()) {
            throw new ModelException("The block to export has no parameters yet: initialise it (or train it) first");
        }
        GraphBuilder b = GraphBuilder.create(name);
        OnnxExporter exporter = new OnnxExporter(b);
        String out = exporter.visit(block, b.input(INPUT, inputShape), "model");
        b.output(out, OUTPUT);
        return b.buildModel();
    }

    private String visit(Block block, String x, String path) {
        if (block instanceof SequentialBlock seq) {
            String y = x;
            for (var child : seq.getChildren()) {
                y = visit(child.getValue(), y, path + "/" + child.getKey());
            }
            return y;
        }
        if (block instanceof Conv2d conv) {
            return conv(conv, x, path);
        }
        if (block instanceof BatchNorm) {
            return builder.batchNorm(x, new BatchNormParams(tensor(block, "gamma", path), tensor(block, "beta", path),
                    tensor(block, "runningMean", path), tensor(block, "runningVar", path)), Architecture.BATCH_NORM_EPSILON);
        }
        if (block instanceof Linear) {
            return builder.gemm(x, tensor(block, "weight", path), optionalTensor(block, "bias", path), true);
        }
        if (block instanceof Dropout) {
            LOG.debug("Dropout {} is dropped: it is the identity at inference", path);
            return x;
        }
        if (block instanceof FunctionLayer f) {
            return function(f, x);
        }
        if (block instanceof ResidualBlock r) {
            String main = visit(r.main(), x, path + "/main");
            String shortcut = r.shortcut().isPresent() ? visit(r.shortcut().get(), x, path + "/shortcut") : x;
            String sum = builder.add(main, shortcut);
            return r.reluAfterAdd() ? builder.relu(sum) : sum;
        }
        if (block instanceof SqueezeExcitation se) {
            String s = builder.globalAveragePool(x);
            s = builder.silu(conv(se.reduce(), s, path + "/reduce"));
            s = builder.sigmoid(conv(se.expand(), s, path + "/expand"));
            return builder.mul(x, s);
        }
        throw new ModelException("Cannot export " + path + ": " + block.getClass().getName() + " has no ONNX mapping."
                + " Supported: SequentialBlock, Conv2d, BatchNorm, Linear, Dropout, FunctionLayer, ResidualBlock,"
                + " SqueezeExcitation (use FunctionLayer instead of DJL's lambda activations and pools)");
    }

    private String conv(Conv2d conv, String x, String path) {
        Shape stride = orDefault(conv.getStride(), 1);
        Shape pad = orDefault(conv.getPadding(), 0);
        Shape dilation = orDefault(conv.getDilation(), 1);
        ConvOptions options = new ConvOptions(stride.getShape(),
                new long[] {pad.get(0), pad.get(1), pad.get(0), pad.get(1)}, dilation.getShape(), conv.getGroups());
        return builder.conv(x, tensor(conv, "weight", path), optionalTensor(conv, "bias", path), options);
    }

    private String function(FunctionLayer f, String x) {
        return switch (f.kind()) {
            case RELU -> builder.relu(x);
            case SILU -> builder.silu(x);
            case SIGMOID -> builder.sigmoid(x);
            case MAX_POOL -> builder.maxPool(x, f.kernel(), f.stride(), 0);
            case GLOBAL_AVERAGE_POOL -> builder.globalAveragePool(x);
            case FLATTEN -> builder.flatten(x, 1);
        };
    }

    private static Shape orDefault(Shape shape, long value) {
        return shape != null ? shape : new Shape(value, value);
    }

    private static FloatTensor tensor(Block block, String name, String path) {
        FloatTensor t = optionalTensor(block, name, path);
        if (t == null) {
            throw new ModelException("Block " + path + " (" + block.getClass().getSimpleName() + ") has no parameter '"
                    + name + "'; the exporter needs it");
        }
        return t;
    }

    private static FloatTensor optionalTensor(Block block, String name, String path) {
        Parameter p = block.getDirectParameters().get(name);
        if (p == null) {
            return null;
        }
        if (!p.isInitialized()) {
            throw new ModelException("Parameter '" + name + "' of " + path + " is not initialised: initialise the block");
        }
        NDArray array = p.getArray();
        return new FloatTensor(array.getShape().getShape(), array.toFloatArray());
    }
}
