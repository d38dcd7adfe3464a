package org.quant4j.cli.mixed;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.data.Dataset;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.calibration.sampling.Subset;
import org.quant4j.cli.compare.StratifiedSubset;
import org.quant4j.cli.console.Formats;
import org.quant4j.mixedprecision.MixedPrecision;
import org.quant4j.mixedprecision.MixedPrecisionRequest;
import org.quant4j.mixedprecision.MixedPrecisionResult;
import org.quant4j.mixedprecision.SearchMethod;
import org.quant4j.mixedprecision.SearchOutcome;
import org.quant4j.report.compare.MethodComparison.Method;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code --mixed SEARCHES} and {@code --max-drop DROP} of {@code compare} and {@code demo}: one
 * mixed-precision search run ({@link MixedPrecision#run}) whose searches each add a row to the
 * comparison, "mixed greedy", "mixed dp", "mixed evolutionary", by the model file the search chose.
 */
public final class MixedRows {

    /** Row name prefix of a search's model, followed by the search's id. */
    public static final String PREFIX = "mixed ";

    @Option(names = "--mixed", paramLabel = "SEARCHES", split = ",",
            description = "Also run a mixed-precision search (per layer INT8 per channel, per tensor or float, the"
                    + " fastest within --max-drop of FP32) and compare each search's model as a row \"mixed"
                    + " <search>\": greedy, dp, evolutionary or all, comma-separated (default: none).")
    private List<String> searches;

    @Option(names = "--max-drop", paramLabel = "DROP", defaultValue = "0.005",
            description = "With --mixed: largest drop against FP32 the searches allow, as a fraction: 0.005 is half a"
                    + " point of top-1, or of argmax agreement on data without labels (default: ${DEFAULT-VALUE}).")
    private double maxDrop;

    @Option(names = "--validation-samples", paramLabel = "N", defaultValue = "2000",
            description = "With --mixed: training samples the searches choose on, stratified with the seed + 1 from"
                    + " the training samples not used for calibration (default: ${DEFAULT-VALUE}).")
    private int validationSamples;

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    /**
     * How many rows {@code --mixed} adds (0 without it), its options checked first.
     *
     * @throws ParameterException (a usage error) naming an unknown search or a budget out of range
     */
    public int rowCount() {
        if (!given()) {
            return 0;
        }
        try {
            return searches().size();
        } catch (InvalidInputException e) {
            throw new ParameterException(command.commandLine(), e.getMessage());
        }
    }

    /** Whether {@code --mixed} was given. */
    public boolean given() {
        return searches != null && !searches.isEmpty();
    }

    /** The searches {@code --mixed} names, checked; the budget is checked too. */
    public Set<SearchMethod> searches() {
        if (!(maxDrop >= 0) || maxDrop >= 1) {
            throw new InvalidInputException("--max-drop must be at least 0 and below 1, as a fraction (0.005 for half"
                    + " a point), got " + maxDrop);
        }
        Set<SearchMethod> chosen = EnumSet.noneOf(SearchMethod.class);
        for (String s : searches) {
            String name = s.trim();
            if (name.equalsIgnoreCase("all")) {
                chosen.addAll(EnumSet.allOf(SearchMethod.class));
            } else if (!name.isEmpty()) {
                try {
                    chosen.add(SearchMethod.of(name));
                } catch (InvalidInputException e) {
                    throw new InvalidInputException("--mixed: " + e.getMessage());
                }
            }
        }
        if (chosen.isEmpty()) {
            throw new InvalidInputException("--mixed names no search: give greedy, dp, evolutionary or all");
        }
        return chosen;
    }

    /**
     * What one search run gave: a prebuilt row per search, in the searches' order, and the result
     * (each search's own time, the shared setup).
     *
     * @param rows       one row per search
     * @param result     the search run
     * @param validation samples the searches chose on
     */
    public record Searched(List<Method> rows, MixedPrecisionResult result, int validation) {

        public Searched {
            rows = List.copyOf(rows);
        }
    }

    /** The search effort: the evolutionary search's population, generations and subset, and profiled runs. */
    public record Effort(int population, int generations, int evolutionSamples, int profileRuns) {

        /** {@code quant4j mixed}'s defaults. */
        public static final Effort DEFAULT = new Effort(10, 5, 1000, 40);
    }

    /**
     * The validation split the searches choose on: {@code --validation-samples} of {@code train}
     * stratified with {@code seed + 1}, none of them a calibration sample.
     *
     * @param train       the training data
     * @param calibration the calibration samples, a seeded subset of {@code train}
     * @throws InvalidInputException when every training sample is a calibration sample
     */
    public Dataset validation(Dataset train, Dataset calibration, long seed) {
        return validation(train, calibration, validationSamples, seed);
    }

    /**
     * The validation split of the mixed-precision searches ({@code quant4j mixed}, {@code --mixed}):
     * {@code samples} of the training samples that {@code calibration} did not take (stratified
     * when labelled, seed {@code seed + 1}), all of them when fewer remain.
     *
     * @throws InvalidInputException when {@code samples <= 0}, or when the calibration took every
     *     training sample, leaving none to choose on
     */
    public static Dataset validation(Dataset train, Dataset calibration, int samples, long seed) {
        if (samples <= 0) {
            throw new InvalidInputException("--validation-samples must be > 0, got " + samples);
        }
        if (!(calibration instanceof Subset chosen) || chosen.parent() != train) {
            throw new InvalidInputException("The mixed-precision searches choose on training samples not used for"
                    + " calibration, but all " + train.size() + " are calibration samples: lower"
                    + " --calibration-samples");
        }
        return StratifiedSubset.of(Subset.complement(train, chosen), samples, seed + 1, "--validation-samples");
    }

    /**
     * Runs the searches once on {@code model} (calibrated on {@code calibration}, choosing on
     * {@code validation}, reporting on {@code test}) and writes each search's model into
     * {@code directory}.
     */
    public Searched run(Path model, Dataset calibration, Dataset validation, Dataset test, KernelTarget target,
            long seed, int threads, Effort effort, Path directory, ProgressListener listener) {
        return run(model, calibration, validation, test, target, seed, threads, effort, searches(), directory,
                listener);
    }

    /** As {@link #run(Path, Dataset, Dataset, Dataset, KernelTarget, long, int, Effort, Path, ProgressListener)}, with the searches given. */
    public Searched run(Path model, Dataset calibration, Dataset validation, Dataset test, KernelTarget target,
            long seed, int threads, Effort effort, Set<SearchMethod> searches, Path directory,
            ProgressListener listener) {
        MixedPrecisionResult result = MixedPrecision.run(MixedPrecisionRequest.builder().model(model)
                .calibration(calibration).validation(validation).test(test)
                .config(QuantizationConfig.builder().kernelTarget(target).seed(seed).build())
                .maxDrop(maxDrop).searches(searches).seed(seed).threads(threads).population(effort.population())
                .generations(effort.generations()).evolutionSamples(effort.evolutionSamples())
                .profileRuns(effort.profileRuns()).searchModels(directory).listener(listener).build());
        List<Method> rows = new ArrayList<>();
        for (int i = 0; i < result.searches().size(); i++) {
            rows.add(Method.prebuilt(PREFIX + result.searches().get(i).method().id(), result.searchModels().get(i)));
        }
        return new Searched(rows, result, validation.size());
    }

    /** The budget, as a fraction. */
    public double maxDrop() {
        return maxDrop;
    }

    /**
     * The report's note on how the mixed rows were made: the validation split they were chosen on
     * ({@code what} names its samples), and each search's own time beside the shared setup.
     */
    public String note(Searched s, String what) {
        MixedPrecisionResult r = s.result();
        StringBuilder times = new StringBuilder();
        for (SearchOutcome o : r.searches()) {
            times.append(times.length() == 0 ? "" : ", ").append(o.method().id()).append(' ')
                    .append(Formats.duration(o.time())).append(" (").append(o.evaluations())
                    .append(o.evaluations() == 1 ? " model built)" : " models built)");
        }
        return "Mixed precision (--mixed, within " + String.format(Locale.ROOT, "%.2f", 100 * r.maxDrop())
                + " pp of FP32): one search run, calibrated on the calibration samples and choosing on "
                + String.format(Locale.ROOT, "%,d", s.validation()) + " " + what + " (stratified, seeded, disjoint"
                + " from the calibration samples); each row 'mixed <search>' is the model that search chose, measured"
                + " here on the evaluation data like every other method. Search time: " + times + "; shared setup"
                + " (calibration, per-layer sensitivity, latency profile of " + r.layers().size() + " layers) "
                + Formats.duration(r.setupTime()) + ", whole search run " + Formats.duration(r.totalTime()) + ".";
    }
}
