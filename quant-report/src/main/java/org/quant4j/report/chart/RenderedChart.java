package org.quant4j.report.chart;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * One chart of a report, encoded as PNG.
 *
 * @param id      stable identifier, e.g. {@code "accuracy-vs-speedup"}
 * @param title   heading for the chart
 * @param caption what the chart shows and how to read it
 * @param png     the PNG bytes
 */
public record RenderedChart(String id, String title, String caption, byte[] png) {

    public RenderedChart {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(caption, "caption");
        png = png.clone();
    }

    @Override
    public byte[] png() {
        return png.clone();
    }

    /** The PNG as a {@code data:} URI, so a page can embed it without any external file. */
    public String dataUri() {
        return "data:image/png;base64," + Base64.getEncoder().encodeToString(png);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RenderedChart c && id.equals(c.id) && title.equals(c.title) && caption.equals(c.caption)
                && Arrays.equals(png, c.png);
    }

    @Override
    public int hashCode() {
        return 31 * id.hashCode() + Arrays.hashCode(png);
    }

    @Override
    public String toString() {
        return "RenderedChart[" + id + ", " + png.length + " bytes]";
    }
}
