package org.quant4j.report.render;

import com.samskivert.mustache.Mustache;
import com.samskivert.mustache.Template;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import org.quant4j.api.QuantException;

/** Loads and compiles the Mustache templates of the reports from this package's resources. */
final class Templates {

    private Templates() {
    }

    /**
     * Opens the partial {@code {{> name}}} of a template: the resource {@code name.mustache}, so
     * the single-model and the suite reports render their shared sections from one source.
     */
    private static Reader partial(String name) {
        InputStream in = Templates.class.getResourceAsStream(name + ".mustache");
        if (in == null) {
            throw new QuantException("Report template partial " + name + ".mustache is missing from the quant-report"
                    + " jar: rebuild quant-report");
        }
        return new InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /**
     * Compiles {@code name}, e.g. {@code report.md.mustache}. A variable missing from the context
     * fails rendering rather than printing nothing, so a template and its view cannot drift apart.
     *
     * @param escapeHtml whether {@code {{x}}} escapes HTML (triple braces never do)
     */
    static Template load(String name, boolean escapeHtml) {
        try (InputStream in = Templates.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new QuantException("Report template " + name + " is missing from the quant-report jar: "
                        + "rebuild quant-report");
            }
            try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
                return Mustache.compiler().escapeHTML(escapeHtml).withLoader(Templates::partial).compile(reader);
            }
        } catch (IOException e) {
            throw new QuantException("Cannot read report template " + name + ": " + e, e);
        }
    }
}
