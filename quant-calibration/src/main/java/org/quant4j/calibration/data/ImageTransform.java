package org.quant4j.calibration.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.util.Objects;

import org.quant4j.api.InvalidInputException;

/**
 * ImageNet-style preprocessing of a decoded image: resize so the shorter side is {@code S}
 * (antialiased bilinear, see {@link #resizeShorterSide()}), center crop {@code H x W}, decode to RGB
 * or greyscale, scale 8-bit values to {@code [0, 1]}, normalise per channel. The defaults are those
 * of torchvision's ImageNet evaluation: 256, 224 x 224, RGB, ImageNet mean/std. Immutable; build
 * with {@link #builder()}.
 */
public final class ImageTransform {

    private static final ImageTransform IMAGENET = builder().build();

    private final int resizeShorterSide;
    private final int cropHeight;
    private final int cropWidth;
    private final ColorMode colorMode;
    private final PixelTransform pixels;

    private ImageTransform(Builder b) {
        resizeShorterSide = b.resizeShorterSide;
        cropHeight = b.cropHeight;
        cropWidth = b.cropWidth;
        colorMode = b.colorMode;
        pixels = b.scaleToUnit ? PixelTransform.unitScaled(b.normalization) : PixelTransform.of(1f, b.normalization);
    }

    /** The torchvision ImageNet evaluation preprocessing: resize 256, crop 224 x 224, RGB, ImageNet mean/std. */
    public static ImageTransform imagenet() {
        return IMAGENET;
    }

    /** A builder starting from the ImageNet defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Target length of the shorter side after resizing; 0 when images are not resized. */
    public int resizeShorterSide() {
        return resizeShorterSide;
    }

    /** Height of the center crop, the sample height. */
    public int cropHeight() {
        return cropHeight;
    }

    /** Width of the center crop, the sample width. */
    public int cropWidth() {
        return cropWidth;
    }

    /** Channels images are decoded to. */
    public ColorMode colorMode() {
        return colorMode;
    }

    /** Scaling and normalisation applied to the cropped 8-bit values. */
    public PixelTransform pixels() {
        return pixels;
    }

    /** Shape of one output sample, {@code [C, H, W]}. */
    public int[] sampleShape() {
        return new int[] {colorMode.channels(), cropHeight, cropWidth};
    }

    /**
     * Preprocesses {@code image} into {@code dest} from {@code offset} ({@code C*H*W} floats).
     *
     * @param source names the image in error messages
     * @throws InvalidInputException when the image is smaller than the crop after resizing
     */
    public void apply(BufferedImage image, float[] dest, int offset, String source) {
        int channels = colorMode.channels();
        int h = image.getHeight();
        int w = image.getWidth();
        float[] planes = decode(image, colorMode);
        int shorter = Math.min(h, w);
        if (resizeShorterSide > 0 && shorter != resizeShorterSide) {
            // As torchvision: the longer side is truncated, int(S * long / short).
            int newH = h <= w ? resizeShorterSide : (int) ((long) resizeShorterSide * h / w);
            int newW = h <= w ? (int) ((long) resizeShorterSide * w / h) : resizeShorterSide;
            planes = BilinearResampler.resize(planes, channels, h, w, newH, newW);
            h = newH;
            w = newW;
        }
        if (h < cropHeight || w < cropWidth) {
            throw new InvalidInputException("Image " + source + " is " + w + "x" + h + " (width x height)"
                    + (resizeShorterSide > 0 ? " after resizing" : "") + ", smaller than the " + cropWidth + "x"
                    + cropHeight + " center crop; resize to a larger shorter side or crop less");
        }
        // torchvision rounds the crop offset half-to-even (Python round()).
        int top = (int) Math.rint((h - cropHeight) / 2.0);
        int left = (int) Math.rint((w - cropWidth) / 2.0);
        int out = offset;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < cropHeight; y++) {
                System.arraycopy(planes, (c * h + top + y) * w + left, dest, out, cropWidth);
                out += cropWidth;
            }
        }
        pixels.apply(dest, offset, channels, cropHeight * cropWidth);
    }

    /** Text that identifies this transform exactly, for fingerprints. */
    public String description() {
        return "resizeShorterSide=" + resizeShorterSide + " (bilinear, antialiased) centerCrop=" + cropHeight + "x"
                + cropWidth + " color=" + colorMode + " " + pixels.description();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ImageTransform t && resizeShorterSide == t.resizeShorterSide
                && cropHeight == t.cropHeight && cropWidth == t.cropWidth && colorMode == t.colorMode
                && pixels.equals(t.pixels);
    }

    @Override
    public int hashCode() {
        return Objects.hash(resizeShorterSide, cropHeight, cropWidth, colorMode, pixels);
    }

    @Override
    public String toString() {
        return "ImageTransform[" + description() + "]";
    }

    /** Decodes to CHW planes of 8-bit values held as floats. */
    private static float[] decode(BufferedImage image, ColorMode mode) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        float[] planes = new float[mode.channels() * plane];
        Raster raster = image.getRaster();
        if (image.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY && raster.getNumBands() <= 2) {
            // Grey samples are read directly: getRGB() would pass them through a linear-to-sRGB
            // conversion and brighten them.
            int max = (1 << image.getColorModel().getComponentSize(0)) - 1;
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    float v = max == 255 ? row[x] : row[x] * 255f / max;
                    for (int c = 0; c < mode.channels(); c++) {
                        planes[c * plane + y * w + x] = v;
                    }
                }
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            int r = (argb[i] >> 16) & 0xFF;
            int g = (argb[i] >> 8) & 0xFF;
            int b = argb[i] & 0xFF;
            if (mode == ColorMode.RGB) {
                planes[i] = r;
                planes[plane + i] = g;
                planes[2 * plane + i] = b;
            } else {
                planes[i] = 0.299f * r + 0.587f * g + 0.114f * b;
            }
        }
        return planes;
    }

    /** Builder of {@link ImageTransform}, starting from the ImageNet defaults. */
    public static final class Builder {
        private int resizeShorterSide = 256;
        private int cropHeight = 224;
        private int cropWidth = 224;
        private ColorMode colorMode = ColorMode.RGB;
        private boolean scaleToUnit = true;
        private Normalization normalization = Normalization.imagenet();

        private Builder() {
        }

        /** Resize so the shorter side is {@code size} pixels; 0 keeps the decoded size. Default 256. */
        public Builder resizeShorterSide(int size) {
            resizeShorterSide = size;
            return this;
        }

        /** Center crop of {@code height x width}, the sample size. Default 224 x 224. */
        public Builder centerCrop(int height, int width) {
            cropHeight = height;
            cropWidth = width;
            return this;
        }

        /** Channels to decode to. Default RGB. */
        public Builder colorMode(ColorMode mode) {
            colorMode = Objects.requireNonNull(mode, "colorMode");
            return this;
        }

        /** Whether 8-bit values are divided by 255 before normalisation. Default true. */
        public Builder scaleToUnit(boolean scale) {
            scaleToUnit = scale;
            return this;
        }

        /** Per-channel normalisation after scaling; {@link Normalization#NONE} for none. Default ImageNet. */
        public Builder normalization(Normalization value) {
            normalization = Objects.requireNonNull(value, "normalization");
            return this;
        }

        /**
         * Builds the transform.
         *
         * @throws InvalidInputException when a size is not positive, the crop cannot fit the resized
         *                               image, or the normalisation does not match the channels
         */
        public ImageTransform build() {
            if (resizeShorterSide < 0) {
                throw new InvalidInputException("resizeShorterSide must be >= 0 (0 = no resize), got "
                        + resizeShorterSide);
            }
            if (cropHeight <= 0 || cropWidth <= 0) {
                throw new InvalidInputException("Center crop must be positive, got " + cropHeight + "x" + cropWidth);
            }
            if (resizeShorterSide > 0 && resizeShorterSide < Math.max(cropHeight, cropWidth)) {
                throw new InvalidInputException("Center crop " + cropHeight + "x" + cropWidth
                        + " does not fit an image whose shorter side is resized to " + resizeShorterSide
                        + "; resize to at least " + Math.max(cropHeight, cropWidth) + " or crop less");
            }
            normalization.checkChannels(colorMode.channels(), colorMode + " images");
            return new ImageTransform(this);
        }
    }
}
