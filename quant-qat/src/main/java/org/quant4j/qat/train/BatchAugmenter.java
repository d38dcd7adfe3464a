package org.quant4j.qat.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.SplittableRandom;

/**
 * Random crops with zero padding and random horizontal flips of a whole NCHW batch in one gather:
 * the batch is padded by {@code padding} on every side, and output pixel {@code (b, c, i, j)} reads
 * padded pixel {@code (b, c, i + dy_b, j' + dx_b)} with {@code j' = W - 1 - j} for flipped images,
 * where {@code dy_b, dx_b} are uniform in {@code [0, 2 * padding]}. The per-image offsets and flips
 * come from the caller's {@link SplittableRandom}; the pixels never pass through Java. Immutable.
 *
 * @param padding  pixels of zero padding on each side, the largest shift (0 disables cropping)
 * @param flip     whether to flip half of the images horizontally
 */
public record BatchAugmenter(int padding, boolean flip) {

    /** No augmentation. */
    public static final BatchAugmenter NONE = new BatchAugmenter(0, false);

    public BatchAugmenter {
        if (padding < 0) {
            throw new IllegalArgumentException("Crop padding must be >= 0, got " + padding);
        }
    }

    /** Whether the augmenter changes images at all. */
    public boolean isIdentity() {
        return padding == 0 && !flip;
    }

    /** The augmented batch, a new array of {@code images}' manager. */
    public NDArray apply(NDArray images, SplittableRandom random) {
        Shape shape = images.getShape();
        int n = Math.toIntExact(shape.get(0));
        int c = Math.toIntExact(shape.get(1));
        int h = Math.toIntExact(shape.get(2));
        int w = Math.toIntExact(shape.get(3));
        int hp = h + 2 * padding;
        int wp = w + 2 * padding;
        long[] base = new long[n * c];
        long[] flips = new long[n];
        for (int b = 0; b < n; b++) {
            int dy = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
            int dx = padding == 0 ? 0 : random.nextInt(2 * padding + 1);
            flips[b] = flip && random.nextBoolean() ? 1 : 0;
            for (int ch = 0; ch < c; ch++) {
                base[b * c + ch] = ((long) (b * c + ch) * hp + dy) * wp + dx;
            }
        }
        NDManager manager = images.getManager();
        NDArray padded = padding == 0 ? images : images.pad(new Shape(padding, padding, padding, padding), 0);
        NDArray rows = manager.arange(0, h, 1, DataType.INT64).mul(wp).reshape(1, 1, h, 1);
        NDArray cols = manager.arange(0, w, 1, DataType.INT64).reshape(1, 1, 1, w);
        // Flipped column j reads W - 1 - j = j + (W - 1 - 2j): add the flip flag times (W - 1 - 2j).
        NDArray mirror = cols.mul(-2).add(w - 1);
        NDArray columns = cols.add(manager.create(flips).reshape(n, 1, 1, 1).mul(mirror));
        NDArray index = manager.create(base).reshape(n, c, 1, 1).add(rows).add(columns);
        return padded.flatten().take(index);
    }
}
