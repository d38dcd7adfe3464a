package org.quant4j.cli.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.data.BatchLayout;
import org.quant4j.api.io.OutputTarget;
import org.quant4j.calibration.data.Normalization;
import org.quant4j.cli.options.NameConverter;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/**
 * {@code --data PATH} and how to read it: labels for single files, the split of a dataset
 * directory, normalisation, and resize/crop for image folders. The format is recognised from the
 * path by {@link DataSources}.
 */
public final class DataOptions {

    @Option(names = {"-d", "--data"}, paramLabel = "PATH",
            description = "The data: a directory of MNIST/Fashion-MNIST IDX files, an IDX images file (with --labels),"
                    + " an image folder (one sub-folder per class), a CIFAR-10 batch file or their directory, or a"
                    + " NumPy file of samples (labels with --labels); for a model with several inputs, or inputs that"
                    + " are not float32, a .npz file or a directory of NAME.npy files holding one array per model"
                    + " input, named by the input (labels in the array 'labels'); for samples of several shapes"
                    + " (text lines of different widths), a directory of .npz files, each holding samples of one"
                    + " shape.")
    private Path data;

    @Option(names = "--batch-axis", paramLabel = "INPUT=AXIS", mapFallbackValue = "",
            description = "The axis of model input INPUT that holds the samples, when the model's shapes leave it"
                    + " ambiguous (quant4j says so), or 'none' for an input fed once per batch, e.g."
                    + " --batch-axis state=1 --batch-axis sr=none. Repeatable.")
    private java.util.Map<String, String> batchAxes;

    @Option(names = "--labels", paramLabel = "FILE",
            description = "Labels of an IDX images file (an IDX labels file) or of a .npy file (a .npy of N labels).")
    private Path labels;

    @Option(names = "--split", paramLabel = "SPLIT", converter = SplitConverter.class,
            description = "train or test: which files of an IDX or CIFAR-10 directory to read (default: train to"
                    + " calibrate, test to evaluate).")
    private Split split;

    @Option(names = "--mean", paramLabel = "M[,M,M]", split = ",", hideParamSyntax = true,
            description = "Subtract this mean per channel after scaling pixels to [0, 1], e.g. 0.2860 for"
                    + " Fashion-MNIST or 0.485,0.456,0.406 for ImageNet; needs --std.")
    private float[] mean;

    @Option(names = "--std", paramLabel = "S[,S,S]", split = ",", hideParamSyntax = true,
            description = "Divide by this standard deviation per channel: 0.3530 for Fashion-MNIST, 0.229,0.224,0.225"
                    + " for ImageNet.")
    private float[] std;

    @Option(names = "--size", paramLabel = "PIXELS",
            description = "Image folders: resize the shorter side to this many pixels before cropping (default: the"
                    + " larger crop side).")
    private Integer size;

    @Option(names = "--crop", paramLabel = "HxW", converter = CropConverter.class,
            description = "Image folders: center crop, e.g. 224 or 224x224 (default: the model's input size).")
    private Crop crop;

    /**
     * A center crop.
     *
     * @param height rows kept
     * @param width  columns kept
     */
    public record Crop(int height, int width) {
    }

    /** Which files of a dataset directory to read. */
    public enum Split {
        TRAIN, TEST
    }

    /**
     * The batch axes of {@code --batch-axis} by input name ({@link BatchLayout#NONE} for 'none').
     *
     * @throws InvalidInputException when an axis is neither a number >= 0 nor 'none'
     */
    public java.util.Map<String, Integer> batchAxes() {
        java.util.Map<String, Integer> axes = new java.util.LinkedHashMap<>();
        if (batchAxes == null) {
            return axes;
        }
        batchAxes.forEach((input, axis) -> {
            String value = axis.trim().toLowerCase(Locale.ROOT);
            try {
                int parsed = value.equals("none") ? BatchLayout.NONE : Integer.parseInt(value);
                if (parsed < BatchLayout.NONE) {
                    throw new NumberFormatException();
                }
                axes.put(input, parsed);
            } catch (NumberFormatException e) {
                throw new InvalidInputException("--batch-axis " + input + "=" + axis + ": the axis must be a number"
                        + " >= 0 or 'none', e.g. --batch-axis " + input + "=1");
            }
        });
        return axes;
    }

    /** Whether {@code --data} was given. */
    public boolean given() {
        return data != null;
    }

    public Path path() {
        return data;
    }

    /** {@code --data} and {@code --labels}, as given, as inputs no output may replace. */
    public List<OutputTarget.Input> inputs() {
        List<OutputTarget.Input> inputs = new ArrayList<>();
        if (data != null) {
            inputs.add(new OutputTarget.Input(data, "the data (--data)"));
        }
        if (labels != null) {
            inputs.add(new OutputTarget.Input(labels, "the labels (--labels)"));
        }
        return inputs;
    }

    public Optional<Path> labels() {
        return Optional.ofNullable(labels);
    }

    /** The split asked for with {@code --split}, if any. */
    public Optional<Split> split() {
        return Optional.ofNullable(split);
    }

    public Optional<Integer> size() {
        return Optional.ofNullable(size);
    }

    /** The crop of {@code --crop}, if given. */
    public Optional<Crop> crop() {
        return Optional.ofNullable(crop);
    }

    /** The normalisation of {@code --mean} and {@code --std}; {@link Normalization#NONE} when neither is given. */
    public Normalization normalization() {
        if (mean == null && std == null) {
            return Normalization.NONE;
        }
        if (mean == null || std == null) {
            throw new InvalidInputException("--mean and --std go together: give both, one value per channel (or one"
                    + " for all channels)");
        }
        if (mean.length != std.length) {
            throw new InvalidInputException("--mean has " + mean.length + " values " + Arrays.toString(mean)
                    + " but --std has " + std.length + " " + Arrays.toString(std) + ": give one per channel in both");
        }
        return mean.length == 1 ? Normalization.of(mean[0], std[0]) : Normalization.of(mean, std);
    }

    /** {@code train} or {@code test}. */
    public static final class SplitConverter extends NameConverter<Split> {
        public SplitConverter() {
            super("split", lowerCase(Split.values()));
        }
    }

    /** {@code 224} or {@code 224x192} (height x width). */
    public static final class CropConverter implements ITypeConverter<Crop> {
        @Override
        public Crop convert(String value) {
            String[] parts = value.trim().toLowerCase(Locale.ROOT).split("x", -1);
            try {
                int h = Integer.parseInt(parts[0].trim());
                int w = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : h;
                if (parts.length > 2 || h <= 0 || w <= 0) {
                    throw new NumberFormatException();
                }
                return new Crop(h, w);
            } catch (NumberFormatException e) {
                throw new TypeConversionException("Crop '" + value + "' is not a size: use N or HxW with positive"
                        + " numbers, e.g. 224 or 224x192");
            }
        }
    }
}
