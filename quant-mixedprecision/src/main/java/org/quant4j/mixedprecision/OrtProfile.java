package org.quant4j.mixedprecision;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.quant4j.api.InvalidInputException;

/**
 * ONNX Runtime's per-node profile of a session (the Chrome trace JSON that
 * {@code SessionOptions.enableProfiling} makes), read as the kernel time of every node in every run.
 *
 * <p>A run is a {@code model_run} event of category {@code Session}; a node's time is the duration
 * of its {@code NAME_kernel_time} event of category {@code Node} that lies within the run. Node
 * names are those of the graph ONNX Runtime ran, after its fusions (a QDQ Conv group becomes one
 * QLinearConv node, its name derived from the Conv's).
 *
 * @param runs per run, in order, each node's kernel time in microseconds, in execution order
 * @param ops  each node's op type as ONNX Runtime ran it (e.g. {@code QLinearConv})
 */
public record OrtProfile(List<Map<String, Double>> runs, Map<String, String> ops) {

    private static final String KERNEL_TIME = "_kernel_time";

    /** Suffixes of the names quant4j's QDQ rewriter gives an activation's conversion nodes. */
    private static final List<String> CONVERSIONS = List.of("_QuantizeLinear", "_DequantizeLinear");

    public OrtProfile {
        List<Map<String, Double>> copy = new ArrayList<>();
        runs.forEach(r -> copy.add(Collections.unmodifiableMap(new LinkedHashMap<>(r))));
        runs = List.copyOf(copy);
        ops = Collections.unmodifiableMap(new LinkedHashMap<>(ops));
    }

    /**
     * Reads a trace.
     *
     * @param trace the JSON file ONNX Runtime wrote
     * @return the profile
     * @throws InvalidInputException when the file cannot be read or is not an ONNX Runtime trace
     */
    public static OrtProfile read(Path trace) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(Files.readAllBytes(trace));
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read the ONNX Runtime profile " + trace + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new InvalidInputException("The ONNX Runtime profile " + trace + " is not a JSON array of trace"
                    + " events: give the file that SessionOptions.enableProfiling wrote");
        }
        List<long[]> windows = new ArrayList<>();
        for (JsonNode e : root) {
            if ("Session".equals(e.path("cat").asText()) && "model_run".equals(e.path("name").asText())) {
                long ts = e.path("ts").asLong();
                windows.add(new long[] {ts, ts + e.path("dur").asLong()});
            }
        }
        if (windows.isEmpty()) {
            throw new InvalidInputException("The ONNX Runtime profile " + trace + " holds no model_run event: the"
                    + " session was profiled without being run");
        }
        windows.sort((a, b) -> Long.compare(a[0], b[0]));
        List<Map<String, Double>> runs = new ArrayList<>();
        windows.forEach(w -> runs.add(new LinkedHashMap<>()));
        Map<String, String> ops = new LinkedHashMap<>();
        long[] starts = windows.stream().mapToLong(w -> w[0]).toArray();
        for (JsonNode e : root) {
            String name = e.path("name").asText();
            if (!"Node".equals(e.path("cat").asText()) || !name.endsWith(KERNEL_TIME)) {
                continue;
            }
            long ts = e.path("ts").asLong();
            int i = Arrays.binarySearch(starts, ts);
            i = i >= 0 ? i : -i - 2;
            if (i < 0 || ts > windows.get(i)[1]) {
                continue;
            }
            String node = name.substring(0, name.length() - KERNEL_TIME.length());
            runs.get(i).merge(node, e.path("dur").asDouble(), Double::sum);
            ops.putIfAbsent(node, e.path("args").path("op_name").asText(""));
        }
        return new OrtProfile(runs, ops);
    }

    /**
     * The median over the runs after the first {@code skip} of the summed kernel time of every node.
     *
     * @param skip warm-up runs to leave out
     * @return microseconds
     * @throws InvalidInputException when no run is left
     */
    public double medianNodeMicros(int skip) {
        if (skip < 0 || skip >= runs.size()) {
            throw new InvalidInputException("The profile has " + runs.size() + " runs; cannot skip " + skip);
        }
        double[] totals = runs.subList(skip, runs.size()).stream()
                .mapToDouble(r -> r.values().stream().mapToDouble(Double::doubleValue).sum()).sorted().toArray();
        int n = totals.length;
        return n % 2 == 1 ? totals[n / 2] : (totals[n / 2 - 1] + totals[n / 2]) / 2;
    }

    /**
     * The least, over the runs after the first {@code skip}, of the summed kernel time of every node:
     * the run least disturbed by other processes on the same cores.
     *
     * @param skip warm-up runs to leave out
     * @return microseconds
     * @throws InvalidInputException when no run is left
     */
    public double minNodeMicros(int skip) {
        if (skip < 0 || skip >= runs.size()) {
            throw new InvalidInputException("The profile has " + runs.size() + " runs; cannot skip " + skip);
        }
        return runs.subList(skip, runs.size()).stream()
                .mapToDouble(r -> r.values().stream().mapToDouble(Double::doubleValue).sum()).min().orElseThrow();
    }

    /**
     * Each node's mean kernel time over the runs after the first {@code skip}, in execution order.
     *
     * @param skip warm-up runs to leave out
     * @return microseconds by node
     */
    public Map<String, Double> meanNodeMicros(int skip) {
        if (skip < 0 || skip >= runs.size()) {
            throw new InvalidInputException("The profile has " + runs.size() + " runs; cannot skip " + skip);
        }
        Map<String, Double> sums = new LinkedHashMap<>();
        List<Map<String, Double>> kept = runs.subList(skip, runs.size());
        kept.forEach(r -> r.forEach((n, t) -> sums.merge(n, t, Double::sum)));
        sums.replaceAll((n, t) -> t / kept.size());
        return sums;
    }

    /**
     * The quantize/dequantize boundaries ONNX Runtime ran as nodes of their own (not fused into a
     * QLinear kernel), by the tensor they convert: each tensor's mean kernel time over the runs after
     * the first {@code skip}, its QuantizeLinear and DequantizeLinear summed. The tensor is the node
     * name less its {@code _QuantizeLinear} or {@code _DequantizeLinear} suffix, as quant4j's QDQ
     * rewriter names them; a conversion named otherwise is keyed by its node name.
     *
     * @param skip warm-up runs to leave out
     * @return microseconds by tensor
     */
    public Map<String, Double> boundaryMicros(int skip) {
        Map<String, Double> boundaries = new LinkedHashMap<>();
        meanNodeMicros(skip).forEach((node, t) -> {
            String op = ops.getOrDefault(node, "");
            if (op.equals("QuantizeLinear") || op.equals("DequantizeLinear")) {
                String tensor = node;
                for (String suffix : CONVERSIONS) {
                    if (node.endsWith(suffix)) {
                        tensor = node.substring(0, node.length() - suffix.length());
                    }
                }
                boundaries.merge(tensor, t, Double::sum);
            }
        });
        return boundaries;
    }
}
