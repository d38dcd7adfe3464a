package org.quant4j.onnxruntime.quantize;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.quant4j.api.KernelTarget;
import org.quant4j.api.quantize.ProgressListener;
import org.quant4j.api.data.Dataset;
import org.quant4j.onnxruntime.saturation.DataSaturation;
import org.quant4j.onnx.graph.OnnxModel;
import org.quant4j.onnxruntime.runtime.RunnerOptions;
import org.quant4j.onnx.saturation.LayerSaturation;
import org.quant4j.onnx.saturation.SaturationAnalysis;
import org.quant4j.onnx.saturation.SaturationReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a quantized model against the CPUs it is meant for: layers that ONNX Runtime's AVX2
 * kernels can saturate, and how often they do on the calibration data, become warnings of the
 * quantization result.
 */
final class KernelPortability {

    /** Calibration samples the AVX2 emulation runs on when a layer can saturate. */
    static final int OBSERVED_SAMPLES = 16;

    private static final Logger LOG = LoggerFactory.getLogger(KernelPortability.class);

    private KernelPortability() {
    }

    /** The warnings for {@code model}, written for {@code target}; logged as they are made. */
    static List<String> check(OnnxModel model, KernelTarget target, Optional<Dataset> data, RunnerOptions options,
            ProgressListener listener) {
        KernelTarget resolved = target.resolve();
        List<String> warnings = new ArrayList<>();
        SaturationReport weights = SaturationAnalysis.ofWeights(model.graph());
        List<LayerSaturation> atRisk = weights.atRisk();
        if (!atRisk.isEmpty()) {
            StringBuilder w = new StringBuilder();
            w.append(atRisk.size()).append(" of ").append(weights.layers().size())
                    .append(" integer layers can saturate on x86-64 CPUs with AVX2 but without VNNI (pairs of"
                            + " uint8 x int8 products beyond int16: ")
                    .append(atRisk.stream().limit(5).map(LayerSaturation::node).collect(Collectors.joining(", ")))
                    .append(atRisk.size() > 5 ? ", ..." : "").append(")");
            if (data.isPresent()) {
                SaturationReport seen = DataSaturation.onData(model, data.get(), OBSERVED_SAMPLES, options,
                        listener);
                long outputs = 0;
                long affected = 0;
                for (LayerSaturation l : seen.layers()) {
                    outputs += l.observed().map(LayerSaturation.Observed::outputs).orElse(0L);
                    affected += l.observed().map(LayerSaturation.Observed::affectedOutputs).orElse(0L);
                }
                int saturated = seen.saturatedOnData().size();
                w.append(String.format(Locale.ROOT, "; on %d calibration samples %d %s saturated (%.2f%% of the integer"
                        + " layers' outputs changed)", seen.samples(), saturated, saturated == 1 ? "layer" : "layers",
                        outputs == 0 ? 0 : 100.0 * affected / outputs));
            }
            w.append(resolved == KernelTarget.VNNI
                    ? ". The model is written for the vnni target: accurate on CPUs with AVX-512 VNNI, AVX-VNNI, AMX or"
                            + " ARM dot product, less accurate elsewhere; quantize with --target portable for every CPU"
                    : ". Their weights use more than 7 bits (a tensor override?): give them the portable weight range");
            warnings.add(w.toString());
        }
        warnings.forEach(s -> LOG.warn("{}", s));
        return warnings;
    }
}
