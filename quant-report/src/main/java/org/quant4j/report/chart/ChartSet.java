package org.quant4j.report.chart;

import java.util.List;

/**
 * The charts drawn for a report, and a sentence for each chart left out for lack of data.
 *
 * @param charts  the charts, in report order
 * @param omitted why each missing chart was not drawn, e.g. "Latency chart: no latency was measured."
 */
public record ChartSet(List<RenderedChart> charts, List<String> omitted) {

    public ChartSet {
        charts = List.copyOf(charts);
        omitted = List.copyOf(omitted);
    }
}
