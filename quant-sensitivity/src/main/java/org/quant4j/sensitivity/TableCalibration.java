package org.quant4j.sensitivity;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

import org.quant4j.api.ModelException;
import org.quant4j.api.QuantScheme;
import org.quant4j.api.QuantizationConfig;
import org.quant4j.api.calibration.ModelCalibrator;
import org.quant4j.api.calibration.ModelCalibrators;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.onnx.quantize.ApiTensorCalibration;
import org.quant4j.onnx.quantize.QdqPlan;
import org.quant4j.api.TensorRange;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnx.graph.Graph;
import org.quant4j.onnx.quantize.CalibratedRanges;
import org.quant4j.onnx.quantize.CalibrationInputs;
import org.quant4j.onnx.quantize.TensorCalibration;

/**
 * A {@link TensorCalibration} that answers from ranges calibrated once, so that every variant of a
 * sensitivity analysis is built from the same table without running the data again. The table
 * holds every candidate tensor of the full INT8 plan ({@code QdqPlan.candidateTensors}) that holds
 * float32 values, in the main graph and in every subgraph nested in it (If branches, Loop and Scan
 * bodies: the calibrator observes their tensors too, as for the quantizer); a variant only
 * excludes nodes, so its candidates are a subset, and a tensor absent from the table is one the
 * calibrator found not to hold float32 values.
 */
public final class TableCalibration implements TensorCalibration {

    private final Map<String, TensorRange> ranges;
    private final Dataset data;

    /**
     * @param ranges calibrated range of each tensor
     * @param data   the calibration data, only to check that it fits a graph's inputs
     */
    TableCalibration(Map<String, TensorRange> ranges, Dataset data) {
        this.ranges = Map.copyOf(ranges);
        this.data = Objects.requireNonNull(data, "data");
    }

    /**
     * Calibrates every candidate tensor of the full INT8 plan of {@code prepared} once, through the
     * backend's {@link ModelCalibrator}.
     *
     * @param prepared  the float model as the quantizer sees it
     * @param config    the quantization whose candidate tensors are calibrated
     * @param backend   the backend that calibrates, e.g. {@code "onnxruntime"}
     * @param data      the calibration data
     * @param batchSize samples per run
     * @param threads   threads, 0 to let the backend choose
     * @param listener  progress
     * @return the table
     * @throws ModelException when the model has no layer static INT8 quantizes with {@code config}
     */
    public static TableCalibration calibrate(PreparedModel prepared, QuantizationConfig config, String backend,
            Dataset data, int batchSize, int threads, ProgressListener listener) {
        Set<String> candidates = new LinkedHashSet<>();
        prepared.scopes().forEach(g -> candidates.addAll(QdqPlan.candidateTensors(g, config)));
        if (candidates.isEmpty()) {
            throw new ModelException("Model graph '" + prepared.graph().name() + "' has no layer static INT8"
                    + " quantization can quantize with this config, in the main graph or its "
                    + (prepared.scopes().size() - 1) + " subgraphs: nothing to analyse");
        }
        try (ModelCalibrator calibrator = ModelCalibrators.get(backend)) {
            return new TableCalibration(new ApiTensorCalibration(calibrator, config, data, batchSize, threads,
                    listener).calibrate(prepared.graph(), candidates, config::activationScheme).ranges(), data);
        }
    }

    /** Tensors in the table. */
    public int size() {
        return ranges.size();
    }

    @Override
    public void requireMatchingInputs(Graph graph) {
        CalibrationInputs.requireMatching(graph, data);
    }

    @Override
    public CalibratedRanges calibrate(Graph graph, Collection<String> tensors, Function<String, QuantScheme> schemes) {
        Map<String, TensorRange> out = new LinkedHashMap<>();
        for (String t : tensors) {
            TensorRange r = ranges.get(t);
            if (r != null) {
                out.put(t, r);
            }
        }
        return new CalibratedRanges(out, data.size(), Duration.ZERO);
    }
}
