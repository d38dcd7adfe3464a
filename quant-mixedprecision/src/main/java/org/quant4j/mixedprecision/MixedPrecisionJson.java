package org.quant4j.mixedprecision;

import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.quant4j.api.stats.ConfidenceInterval;

/**
 * The JSON document of a {@link MixedPrecisionResult}: the returned model's assignment (layer to
 * choice, and why), each search's choice on the validation and test splits with its time, and the
 * measured cost of every layer's choices.
 */
public final class MixedPrecisionJson {

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MixedPrecisionJson() {
    }

    /**
     * The document.
     *
     * @param result the search's result
     * @return indented JSON
     */
    public static String of(MixedPrecisionResult result) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", result.model());
        root.put("metric", result.metric().name().toLowerCase(Locale.ROOT));
        root.put("maxDrop", result.maxDrop());
        root.put("targetMet", result.targetMet());
        root.put("verdict", result.verdict());
        root.put("latencyBatch", result.latencyBatch());
        root.put("profileRuns", result.profileRuns());
        root.put("latencyBackend", result.latencyBackend());
        ObjectNode drift = root.putObject("costProfileDrift");
        drift.put("int8MicrosBefore", result.baseMicrosBefore());
        drift.put("int8MicrosAfter", result.baseMicrosAfter());
        root.put("setupSeconds", result.setupTime().toMillis() / 1000.0);
        root.put("totalSeconds", result.totalTime().toMillis() / 1000.0);
        root.put("chosenBy", result.best().name());
        ObjectNode assignment = root.putObject("assignment");
        for (LayerCost c : result.layers()) {
            LayerChoice choice = result.best().assignment().of(c.layer());
            ObjectNode layer = assignment.putObject(c.layer());
            layer.put("choice", choice.id());
            layer.put("why", why(c, choice));
        }
        ArrayNode models = root.putArray("models");
        models.add(model(result.fp32(), null));
        models.add(model(result.int8(), null));
        for (int i = 0; i < result.searches().size(); i++) {
            models.add(model(result.reported().get(i), result.searches().get(i)));
        }
        ArrayNode layers = root.putArray("layers");
        for (LayerCost c : result.layers()) {
            ObjectNode l = layers.addObject();
            l.put("layer", c.layer());
            l.put("opType", c.opType());
            ObjectNode choices = l.putObject("choices");
            for (LayerChoice ch : c.choices()) {
                ObjectNode o = choices.putObject(ch.id());
                o.put("latencyMicros", c.latency(ch));
                o.put("predictedDrop", c.drop(ch));
                o.put("weightBytes", c.weightBytes().get(ch));
            }
        }
        try {
            return MAPPER.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot write the mixed-precision JSON", e);
        }
    }

    /** Why the layer has its choice, from its measured costs. */
    static String why(LayerCost c, LayerChoice choice) {
        String dropPc = pp(c.drop(LayerChoice.INT8_PER_CHANNEL));
        String floatCost = String.format(Locale.ROOT, "%+.1f us", c.latency(LayerChoice.FLOAT));
        return switch (choice) {
            case FLOAT -> "kept float: its INT8 alone drops " + dropPc + " (one-on, per channel); float costs "
                    + floatCost + " against INT8";
            case INT8_PER_TENSOR -> String.format(Locale.ROOT, "per tensor: one-on drop %s, %+.1f us against per"
                    + " channel; float would cost %s", pp(c.drop(LayerChoice.INT8_PER_TENSOR)),
                    c.latency(LayerChoice.INT8_PER_TENSOR), floatCost);
            case INT8_PER_CHANNEL -> "INT8 per channel: one-on drop " + dropPc + "; float would cost " + floatCost;
            case FP16 -> String.format(Locale.ROOT, "float16: its INT8 alone drops %s (one-on, per channel), float16"
                    + " alone %s; float16 costs %+.1f us against INT8, float %s", dropPc, pp(c.drop(LayerChoice.FP16)),
                    c.latency(LayerChoice.FP16), floatCost);
        };
    }

    private static ObjectNode model(ReportedModel m, SearchOutcome o) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", m.name());
        n.put("floatLayers", m.assignment().count(LayerChoice.FLOAT));
        n.put("perTensorLayers", m.assignment().count(LayerChoice.INT8_PER_TENSOR));
        n.put("fp16Layers", m.assignment().count(LayerChoice.FP16));
        n.set("validationDrop", interval(m.validationDrop()));
        n.put("testMetric", m.testMetric());
        n.set("testDrop", interval(m.testDrop()));
        n.put("latencyMillis", m.latencyMillis());
        n.put("speedup", m.speedup());
        n.put("sizeBytes", m.sizeBytes());
        if (o != null) {
            n.put("withinBudget", o.withinBudget());
            n.put("searchSeconds", o.time().toMillis() / 1000.0);
            n.put("modelsBuilt", o.evaluations());
            n.put("tried", o.tried());
            n.put("assignment", m.assignment().key());
            ArrayNode front = n.putArray("paretoFront");
            for (Evaluated e : o.front()) {
                ObjectNode p = front.addObject();
                p.put("assignment", e.assignment().key());
                p.put("drop", e.drop().estimate());
                p.put("samples", e.samples());
                p.put("latencyMicros", e.latencyMicros());
            }
        }
        return n;
    }

    private static ObjectNode interval(ConfidenceInterval ci) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("estimate", ci.estimate());
        n.put("lower", ci.lower());
        n.put("upper", ci.upper());
        n.put("level", ci.level());
        return n;
    }

    private static String pp(double drop) {
        return String.format(Locale.ROOT, "%.2f pp", 100 * drop);
    }
}
