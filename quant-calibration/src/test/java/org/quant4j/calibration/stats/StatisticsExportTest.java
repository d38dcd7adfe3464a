package org.quant4j.calibration.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.TensorRange;

class StatisticsExportTest {

    @TempDir
    Path dir;

    private static TensorStatistics conv() {
        return TensorStatistics.builder("conv,1 \"relu\"")
                .count(4).nonFiniteCount(1)
                .moments(0, 4, 2.5, 1.5)
                .histogram(2.0, new long[] {1, 3})
                .range("entropy", new TensorRange(0, 3.5))
                .range("minmax", new TensorRange(0, 4))
                .build();
    }

    private static TensorStatistics fc() {
        return TensorStatistics.builder("fc")
                .count(2)
                .moments(-1, 1, 0, 1)
                .histogram(0.5, new long[] {0, 2})
                .range("minmax", new TensorRange(-1, 1))
                .range("mse", new TensorRange(-0.75, 0.75))
                .build();
    }

    @Test
    void csvHasOneQuotedRowPerTensorAndAColumnPairPerMethod() throws IOException {
        Path file = dir.resolve("stats.csv");
        StatisticsExport.writeCsv(List.of(conv(), fc()), file);
        String csv = Files.readString(file, StandardCharsets.UTF_8);
        // RFC 4180: CRLF line ends; a field with a comma or quote is quoted, inner quotes doubled.
        String expected = "name,count,min,max,mean,std,nonFinite,range_entropy_min,range_entropy_max,"
                + "range_minmax_min,range_minmax_max,range_mse_min,range_mse_max\r\n"
                + "\"conv,1 \"\"relu\"\"\",4,0.0,4.0,2.5,1.5,1,0.0,3.5,0.0,4.0,,\r\n"
                + "fc,2,-1.0,1.0,0.0,1.0,0,,,-1.0,1.0,-0.75,0.75\r\n";
        assertEquals(expected, csv);
    }

    @Test
    void csvQuotesLineBreaks() {
        assertEquals("\"a\nb\"", StatisticsExport.csvField("a\nb"));
        assertEquals("plain", StatisticsExport.csvField("plain"));
    }

    @Test
    void jsonRoundTripsThroughJackson() throws IOException {
        TensorStatistics empty = TensorStatistics.builder("dead").nonFiniteCount(3).histogram(0, new long[] {0, 0}).build();
        Path file = dir.resolve("stats.json");
        StatisticsExport.writeJson(List.of(conv(), empty), file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals(StatisticsExport.FORMAT, root.get("format").asText());
        assertEquals(1, root.get("version").asInt());
        JsonNode t = root.get("tensors").get(0);
        assertEquals("conv,1 \"relu\"", t.get("name").asText());
        assertEquals(4, t.get("count").asLong());
        assertEquals(1, t.get("nonFinite").asLong());
        assertEquals(2.5, t.get("mean").asDouble());
        assertEquals(1.5, t.get("std").asDouble());
        assertEquals(3.5, t.get("ranges").get("entropy").get("max").asDouble());
        assertEquals(2.0, t.get("histogram").get("binWidth").asDouble());
        assertEquals(3, t.get("histogram").get("counts").get(1).asLong());
        JsonNode d = root.get("tensors").get(1);
        assertTrue(d.get("mean").isNull());
        assertTrue(d.get("min").isNull());
        assertEquals(0, d.get("ranges").size());
    }

    @Test
    void writesReplaceTheTargetAndLeaveNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("out").resolve("stats.json");
        StatisticsExport.writeJson(List.of(conv()), file);
        StatisticsExport.writeJson(List.of(fc()), file);
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("fc", root.get("tensors").get(0).get("name").asText());
        try (Stream<Path> files = Files.list(file.getParent())) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void sameStatisticsGiveSameBytes() throws IOException {
        Path a = dir.resolve("a.json");
        Path b = dir.resolve("b.json");
        StatisticsExport.writeJson(List.of(conv(), fc()), a);
        StatisticsExport.writeJson(List.of(conv(), fc()), b);
        assertEquals(-1L, Files.mismatch(a, b));
    }
}
