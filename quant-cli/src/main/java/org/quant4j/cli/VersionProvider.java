package org.quant4j.cli;

import org.quant4j.api.Quant4jVersion;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.Quantizers;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code quant4j --version}: the quant4j version from the jar's manifest, the version of each
 * quantizer backend on the classpath (read without loading native code) and the JVM and platform.
 */
public final class VersionProvider implements IVersionProvider {

    @Override
    public String[] getVersion() {
        StringBuilder backends = new StringBuilder();
        for (QuantizerProvider p : Quantizers.registry().all()) {
            backends.append(backends.length() == 0 ? "" : ", ").append(p.name()).append(' ').append(p.backendVersion());
        }
        return new String[] {
            "quant4j " + Quant4jVersion.get(),
            "backends: " + (backends.length() == 0 ? "none" : backends),
            "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch")
        };
    }
}
