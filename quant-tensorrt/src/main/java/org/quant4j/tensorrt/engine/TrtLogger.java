package org.quant4j.tensorrt.engine;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.tensorrt.nvinfer.ILogger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * TensorRT's log into SLF4J; keeps the errors, which {@link EngineBuilder} puts into its exception
 * when a build fails.
 */
final class TrtLogger extends ILogger {

    private static final Logger LOG = LoggerFactory.getLogger("org.quant4j.tensorrt.TensorRT");

    private final List<String> errors = new ArrayList<>();

    @Override
    public void log(ILogger.Severity severity, String msg) {
        switch (severity) {
            case kINTERNAL_ERROR, kERROR -> {
                LOG.error(msg);
                synchronized (errors) {
                    errors.add(msg);
                }
            }
            case kWARNING -> LOG.warn(msg);
            case kINFO -> LOG.debug(msg);
            default -> LOG.trace(msg);
        }
    }

    /** The errors TensorRT logged, joined; empty when none. */
    String errors() {
        synchronized (errors) {
            return String.join("; ", errors);
        }
    }
}
