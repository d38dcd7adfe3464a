package org.quant4j.tensorrt.probe;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a GPU test only where {@link TensorRtProbe#host()} finds every piece TensorRT needs;
 * elsewhere each test method is skipped with the probe's reason (per method, so each is reported
 * skipped), and the reason is printed once per class on stderr. For the {@code gpu}-tagged tests
 * of quant-tensorrt and quant-cli.
 */
public final class TensorRtRequired implements ExecutionCondition {

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        ProbeReport report = TensorRtProbe.host();
        if (report.ready()) {
            return ConditionEvaluationResult.enabled("TensorRT can run here");
        }
        if (context.getTestMethod().isEmpty()) {
            System.err.println(context.getDisplayName() + " skipped: " + report.reason());
            return ConditionEvaluationResult.enabled("each test is skipped with the reason");
        }
        return ConditionEvaluationResult.disabled("TensorRT GPU tests need: " + report.reason());
    }
}
