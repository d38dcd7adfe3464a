package org.quant4j.calibration.histogram;

import java.util.Arrays;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming histogram of absolute values {@code |x|} with equal-width bins starting at 0, the
 * statistic TensorRT's and pytorch-quantization's histogram calibrators work on.
 *
 * <ul>
 *   <li><b>Range.</b> The first batch holding a non-zero finite value fixes the bin width to
 *       {@code max|x| / bins}. Bin {@code k} covers {@code [k * width, (k + 1) * width)}; the last
 *       bin also holds values equal to its upper edge.</li>
 *   <li><b>Growth.</b> When a later batch exceeds the covered range, bins of the same width are
 *       appended until the batch's largest value is covered; existing counts stay in their bins
 *       (TensorRT's behaviour, never a re-binning). So {@link #bins()} can exceed the initial
 *       number.</li>
 *   <li><b>Bounded memory.</b> The number of bins never exceeds {@link #maxBins()} (by default 128
 *       times the initial number, and never more than {@link #MAX_BINS}). When appending would
 *       exceed it, adjacent bins are merged in pairs, doubling the width, as many times as needed;
 *       edges stay multiples of the width, so no count moves to a bin that does not contain it.
 *       Each merge is logged at DEBUG.</li>
 *   <li><b>Zeros.</b> Zeros always belong to bin 0. Before any non-zero value has been seen the
 *       width is 0 ({@link #binWidth()} returns 0 and every value counted so far is a zero in bin 0);
 *       the width is fixed by the first batch with a non-zero value, and the zeros stay in bin 0.</li>
 *   <li><b>Non-finite values</b> (NaN, infinities) are skipped and counted in
 *       {@link #nonFiniteCount()}.</li>
 * </ul>
 *
 * <p>Each batch is read twice: once for its extremes (and to grow the histogram once), once to
 * count. Signed extremes ({@link #min()}, {@link #max()}) are kept as well, so histogram
 * calibrators can clip an asymmetric range without another pass. Not thread-safe.
 */
public final class AbsHistogram {

    /** Default number of bins, TensorRT's and pytorch-quantization's. */
    public static final int DEFAULT_BINS = 2048;
    /** Hard limit on the number of bins of any histogram (32 MiB of counts). */
    public static final int MAX_BINS = 1 << 22;
    /** By default a histogram grows to at most this many times its initial number of bins. */
    public static final int DEFAULT_GROWTH_LIMIT = 128;

    private static final Logger LOG = LoggerFactory.getLogger(AbsHistogram.class);

    private final int initialBins;
    private final int maxBins;
    /** Counts; only the first {@code bins} entries are in use, the rest is zero. */
    private long[] counts;
    private int bins;
    private double width;
    private double inverseWidth;
    private long count;
    private long nonFiniteCount;
    private float min = Float.POSITIVE_INFINITY;
    private float max = Float.NEGATIVE_INFINITY;

    /** A histogram of {@link #DEFAULT_BINS} bins. */
    public AbsHistogram() {
        this(DEFAULT_BINS);
    }

    /** A histogram of {@code bins} initial bins that may grow to {@link #DEFAULT_GROWTH_LIMIT} times as many. */
    public AbsHistogram(int bins) {
        this(bins, (int) Math.min(MAX_BINS, (long) Math.max(bins, 1) * DEFAULT_GROWTH_LIMIT));
    }

    /**
     * A histogram of {@code bins} initial bins that holds at most {@code maxBins} bins.
     *
     * @throws IllegalArgumentException unless {@code 1 <= bins} and {@code 2 * bins <= maxBins <= MAX_BINS}
     */
    public AbsHistogram(int bins, int maxBins) {
        if (bins < 1 || bins > MAX_BINS / 2) {
            throw new IllegalArgumentException("A histogram needs between 1 and " + MAX_BINS / 2 + " bins, got " + bins);
        }
        if (maxBins < 2 * bins || maxBins > MAX_BINS) {
            throw new IllegalArgumentException("maxBins must lie in [2 * bins, " + MAX_BINS + "] = [" + 2 * bins + ", "
                    + MAX_BINS + "] so that merging bins in pairs can make room, got " + maxBins);
        }
        this.initialBins = bins;
        this.maxBins = maxBins;
        this.counts = new long[bins];
        this.bins = bins;
    }

    /** Adds the absolute values of {@code len} values of {@code v} from {@code off}. */
    public void add(float[] v, int off, int len) {
        Objects.requireNonNull(v, "values");
        FiniteExtrema e = FiniteExtrema.of(v, off, len);
        if (e.finiteCount() > 0) {
            fit(e.maxAbs());
        }
        count(v, off, len, e);
    }

    /**
     * Makes room for a batch whose largest finite {@code |x|} is {@code batchMaxAbs}, as {@link #add}
     * does before counting a whole batch: fixes the bin width on the first batch with a non-zero value,
     * grows (or merges) the bins when the batch exceeds them. The batch's parts then go to
     * {@link #addFitted}, and the histogram ends exactly as one {@link #add} of the whole batch leaves it.
     *
     * @param batchMaxAbs the largest finite absolute value of the whole batch, &gt;= 0
     */
    public void fit(double batchMaxAbs) {
        if (!(batchMaxAbs >= 0) || Double.isInfinite(batchMaxAbs)) {
            throw new IllegalArgumentException("A batch's largest |x| must be finite and >= 0, got " + batchMaxAbs);
        }
        if (width == 0) {
            if (batchMaxAbs > 0) {
                setWidth(batchMaxAbs / initialBins);
            }
        } else if (batchMaxAbs > bins * width) {
            grow(batchMaxAbs);
        }
    }

    /**
     * Counts part of a batch that {@link #fit} made room for, without growing: values beyond the last
     * bin's upper edge go to the last bin.
     *
     * @throws IllegalStateException when the part holds a non-zero value and no bin width is fixed yet
     *                               ({@link #fit} was not called with the batch's largest value)
     */
    public void addFitted(float[] v, int off, int len) {
        Objects.requireNonNull(v, "values");
        FiniteExtrema e = FiniteExtrema.of(v, off, len);
        if (width == 0 && e.maxAbs() > 0) {
            throw new IllegalStateException("No bin width for a part holding |x| = " + e.maxAbs() + ": call fit()"
                    + " with the largest |x| of the whole batch before adding its parts");
        }
        count(v, off, len, e);
    }

    /** Counts the values of {@code v} whose extremes are {@code e} in the current bins. */
    private void count(float[] v, int off, int len, FiniteExtrema e) {
        nonFiniteCount += e.nonFiniteCount();
        long finite = e.finiteCount();
        if (finite == 0) {
            return;
        }
        count += finite;
        min = Math.min(min, e.min());
        max = Math.max(max, e.max());
        if (width == 0) {
            counts[0] += finite; // no non-zero value yet: every value is a zero
            return;
        }
        if (e.nonFiniteCount() == 0) {
            countAll(v, off, off + len);
        } else {
            countFinite(v, off, off + len);
        }
    }

    /** Adds all of {@code v}. */
    public void add(float[] v) {
        add(v, 0, v.length);
    }

    private void countAll(float[] v, int from, int to) {
        final long[] c = counts;
        final double inv = inverseWidth;
        final int last = bins - 1;
        for (int i = from; i < to; i++) {
            // The cast truncates towards 0 (values are >= 0); Math.min sends the top edge, and any
            // rounding past it, to the last bin. Both are branch-free.
            c[Math.min((int) (Math.abs(v[i]) * inv), last)]++;
        }
    }

    private void countFinite(float[] v, int from, int to) {
        final long[] c = counts;
        final double inv = inverseWidth;
        final int last = bins - 1;
        for (int i = from; i < to; i++) {
            float a = Math.abs(v[i]);
            if (a <= Float.MAX_VALUE) {
                c[Math.min((int) (a * inv), last)]++;
            }
        }
    }

    private void setWidth(double w) {
        width = w;
        inverseWidth = 1.0 / w;
    }

    private void grow(double batchMax) {
        int shift = 0;
        while (Math.ceil(batchMax / Math.scalb(width, shift)) > maxBins) {
            shift++;
        }
        if (shift > 0) {
            mergeBins(shift);
        }
        int needed = (int) Math.ceil(batchMax / width);
        if (needed > bins) {
            if (needed > counts.length) {
                int capacity = (int) Math.min(maxBins, Math.max(needed, counts.length + (long) counts.length / 2));
                counts = Arrays.copyOf(counts, capacity);
            }
            bins = needed;
        }
    }

    /** Merges each run of {@code 2^shift} adjacent bins into one, multiplying the width by {@code 2^shift}. */
    private void mergeBins(int shift) {
        int oldBins = bins;
        double oldWidth = width;
        for (int j = 1; j < oldBins; j++) {
            // Target j >> shift is below j, so it was already emptied of its old count.
            long x = counts[j];
            counts[j] = 0;
            counts[shift >= 31 ? 0 : j >> shift] += x;
        }
        bins = shift >= 31 ? 1 : (int) (((long) oldBins + (1L << shift) - 1) >> shift);
        setWidth(Math.scalb(oldWidth, shift));
        LOG.debug("Histogram would exceed {} bins: merged groups of {} bins, {} bins of width {} became {} bins of width {}",
                maxBins, 1L << Math.min(shift, 62), oldBins, oldWidth, bins, width);
    }

    /** A copy of the counts, one entry per bin ({@link #bins()} entries). */
    public long[] counts() {
        return Arrays.copyOf(counts, bins);
    }

    /** Count of bin {@code bin}. */
    public long count(int bin) {
        Objects.checkIndex(bin, bins);
        return counts[bin];
    }

    /** Current number of bins: the initial number, more after growth. */
    public int bins() {
        return bins;
    }

    /** The number of bins the histogram started with. */
    public int initialBins() {
        return initialBins;
    }

    /** The most bins this histogram will hold before merging. */
    public int maxBins() {
        return maxBins;
    }

    /** Width of every bin; 0 until a non-zero finite value has been seen. */
    public double binWidth() {
        return width;
    }

    /** Lower edge of bin {@code bin}, or the upper edge of the last bin for {@code bin == bins()}. */
    public double edge(int bin) {
        if (bin < 0 || bin > bins) {
            throw new IndexOutOfBoundsException("Edge " + bin + " outside [0, " + bins + "]");
        }
        return bin * width;
    }

    /** Largest absolute finite value seen, 0 before any. */
    public double maxAbs() {
        return count == 0 ? 0.0 : Math.max(Math.abs((double) min), Math.abs((double) max));
    }

    /** Smallest finite (signed) value seen; {@code +Infinity} before any. */
    public double min() {
        return min;
    }

    /** Largest finite (signed) value seen; {@code -Infinity} before any. */
    public double max() {
        return max;
    }

    /** Number of finite values counted. */
    public long count() {
        return count;
    }

    /** Number of NaN or infinite values skipped. */
    public long nonFiniteCount() {
        return nonFiniteCount;
    }

    @Override
    public String toString() {
        return "AbsHistogram[bins=" + bins + ", width=" + width + ", count=" + count + ", nonFinite=" + nonFiniteCount
                + "]";
    }
}
