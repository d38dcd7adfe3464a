package org.quant4j.calibration.data;

/** Channels an image is decoded to. */
public enum ColorMode {
    /** Three channels, red, green, blue; grey images are repeated into all three. */
    RGB(3),
    /** One luma channel, {@code 0.299 R + 0.587 G + 0.114 B} (ITU-R BT.601) for colour images. */
    GRAYSCALE(1);

    private final int channels;

    ColorMode(int channels) {
        this.channels = channels;
    }

    /** Number of channels of a decoded image. */
    public int channels() {
        return channels;
    }
}
