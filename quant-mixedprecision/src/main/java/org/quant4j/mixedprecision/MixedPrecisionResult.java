package org.quant4j.mixedprecision;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.quant4j.sensitivity.SensitivityRequest;

/**
 * What a mixed-precision search found: the cost of every layer's choices, each search's choice
 * measured on the test split beside FP32 and full INT8, and the model returned.
 *
 * @param model          the float model's file name
 * @param metric         the metric whose drop the budget bounds
 * @param maxDrop        the budget
 * @param layers         the measured costs, in graph order
 * @param fp32           the float model on the test split
 * @param int8           every layer INT8 per channel, on the test split
 * @param searches       each search's outcome on the validation split
 * @param reported       each search's choice on the test split, in the order of {@code searches}
 * @param best           the returned model: of the searches' choices within budget on the validation
 *                       split, the fastest in the side-by-side wall-clock timing; else the one of
 *                       smallest validation drop
 * @param targetMet      whether {@code best} is within the budget on the validation split and faster
 *                       than FP32 (wall-clock, latency batch)
 * @param verdict        in words, what the search found, with the measurements when the target was missed
 * @param output         where the mixed model was written, if anywhere
 * @param searchModels   each search's chosen model file, in the order of {@code searches}, when the
 *                       request named a directory for them ({@link MixedPrecisionRequest#searchModels()});
 *                       else empty
 * @param latencyBatch   samples per batch of the latency measurements
 * @param profileRuns    profiled runs per model of the cost profile and the searches (after 3 warm-up
 *                       runs), as asked for or chosen automatically
 * @param latencyBackend the backend whose latency was measured and minimised ({@code onnxruntime}, or e.g.
 *                       {@code tensorrt}); accuracy is measured on ONNX Runtime either way
 * @param baseMicrosBefore the INT8 model's measured time (microseconds) at the start of the cost profile
 * @param baseMicrosAfter the same model measured again after every layer's variants: how far the two differ
 *                       is how much the load moved the costs while they were measured; every layer's cost is
 *                       taken against the smaller of the two
 * @param setupTime      calibration, sensitivity and cost profile (shared by the searches)
 * @param totalTime      the whole run
 */
public record MixedPrecisionResult(String model, SensitivityRequest.Metric metric, double maxDrop,
        List<LayerCost> layers, ReportedModel fp32, ReportedModel int8, List<SearchOutcome> searches,
        List<ReportedModel> reported, ReportedModel best, boolean targetMet, String verdict, Optional<Path> output,
        List<Path> searchModels, int latencyBatch, int profileRuns, String latencyBackend, double baseMicrosBefore, double baseMicrosAfter, Duration setupTime, Duration totalTime) {

    public MixedPrecisionResult {
        Objects.requireNonNull(model, "model");
        layers = List.copyOf(layers);
        searches = List.copyOf(searches);
        reported = List.copyOf(reported);
        Objects.requireNonNull(best, "best");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(latencyBackend, "latencyBackend");
        Objects.requireNonNull(output, "output");
        searchModels = List.copyOf(searchModels);
    }
}
