package org.quant4j.qat.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code main(x) + shortcut(x)}, optionally followed by ReLU: the basic block of a ResNet (with
 * ReLU) and the skip connection of an MBConv block (without). A missing shortcut is the identity.
 */
public final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final Block main;
    private final Block shortcut;
    private final boolean reluAfterAdd;

    /**
     * @param main         the residual branch
     * @param shortcut     the projection of the input, or null for the identity
     * @param reluAfterAdd whether ReLU follows the sum
     */
    public ResidualBlock(Block main, Block shortcut, boolean reluAfterAdd) {
        super(VERSION);
        this.main = addChildBlock("main", Objects.requireNonNull(main, "main"));
        this.shortcut = shortcut == null ? null : addChildBlock("shortcut", shortcut);
        this.reluAfterAdd = reluAfterAdd;
    }

    /** The residual branch. */
    public Block main() {
        return main;
    }

    /** The projection shortcut; empty for the identity. */
    public Optional<Block> shortcut() {
        return Optional.ofNullable(shortcut);
    }

    /** Whether ReLU follows the sum. */
    public boolean reluAfterAdd() {
        return reluAfterAdd;
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray y = main.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray s = shortcut == null ? inputs.singletonOrThrow()
                : shortcut.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray sum = y.add(s);
        return new NDList(reluAfterAdd ? Activation.relu(sum) : sum);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        main.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputs) {
        Shape[] out = main.getOutputShapes(inputs);
        Shape other = shortcut == null ? inputs[0] : shortcut.getOutputShapes(inputs)[0];
        if (!out[0].equals(other)) {
            throw new IllegalArgumentException("Residual branch gives " + out[0] + " but the shortcut gives " + other
                    + "; add a projection shortcut (1x1 convolution) when the stride or width changes");
        }
        return out;
    }
}
