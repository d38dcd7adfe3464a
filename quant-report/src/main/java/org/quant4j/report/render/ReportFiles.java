package org.quant4j.report.render;

import java.nio.file.Path;

/**
 * The files {@link ReportWriter} wrote.
 *
 * @param markdown {@code report.md}
 * @param html     {@code report.html}
 * @param json     {@code results.json}
 */
public record ReportFiles(Path markdown, Path html, Path json) {
}
