package org.quant4j.tensorrt.inspect;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The engine information of a small INT8/FP16 classifier, written by hand in the format TensorRT
 * documents for {@code IEngineInspector::getEngineInformation(kJSON)} on an engine built with
 * {@code ProfilingVerbosity::kDETAILED} (TensorRT 10 developer guide, "Engine Inspector": a
 * {@code "Layers"} array of objects with {@code Name}, {@code LayerType}, {@code Inputs} and
 * {@code Outputs} whose tensors carry {@code Name}, {@code Location}, {@code Dimensions} and
 * {@code Format/Datatype}, the layer's parameters, {@code TacticName} and {@code TacticValue};
 * then {@code "Bindings"}). No engine was built for it: this machine has no GPU. Its six layers, in
 * the precision each reads its first input in: a reformat from FP32, two INT8 convolutions (the
 * first with a tactic name, the second with a tactic value only), a reformat from INT8, an FP16
 * GEMM and an FP32 softmax.
 */
public final class EngineInspectorJson {

    /** The resource beside this class. */
    public static final String RESOURCE = "detailed-engine-information.json";

    private EngineInspectorJson() {
    }

    /** The fixture's text. */
    public static String detailed() {
        try (InputStream in = EngineInspectorJson.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from quant-tensorrt's test resources");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
