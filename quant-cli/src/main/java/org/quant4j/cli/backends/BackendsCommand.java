package org.quant4j.cli.backends;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.quant4j.api.calibration.Calibrators;
import org.quant4j.api.evaluate.Evaluators;
import org.quant4j.api.platform.CpuFeatures;
import org.quant4j.api.provider.Availability;
import org.quant4j.api.provider.NamedProvider;
import org.quant4j.api.provider.ProviderRegistry;
import org.quant4j.api.quantize.QuantizerProvider;
import org.quant4j.api.quantize.Quantizers;
import org.quant4j.cli.CliCommand;
import org.quant4j.cli.Quant4jCli;
import org.quant4j.cli.console.JsonOutput;
import org.quant4j.cli.console.TextTable;
import picocli.CommandLine.Command;

/**
 * {@code quant4j backends}: this machine's CPU and what it means for INT8 models (whether int8
 * products add in 32 bits, so which kernel target is accurate here), then every quantizer,
 * evaluator and calibrator provider found on the classpath through the registries, whether it
 * works on this machine and, when not, why; backends quant4j offers in modules that are not on the
 * classpath are listed with the artifact to add.
 */
@Command(name = "backends", mixinStandardHelpOptions = true, sortOptions = false,
        customSynopsis = "quant4j backends [--json]",
        description = "Show this machine's CPU and what it means for INT8 models, and list the quantizer, evaluator"
                + " and calibrator backends on the classpath and whether each works here.",
        footerHeading = "%nExamples:%n",
        footer = {
            "  quant4j backends",
            "  quant4j backends --json"
        })
public final class BackendsCommand extends CliCommand {

    /** Status of a backend that works here. */
    static final String AVAILABLE = "available";
    /** Status of a backend that is on the classpath but cannot work here. */
    static final String UNAVAILABLE = "unavailable";
    /** Status of a backend that is not on the classpath. */
    static final String MISSING = "missing";
    /** Status of a provider that failed to load. */
    static final String BROKEN = "broken";

    /**
     * One line of the listing.
     *
     * @param name     provider name, or the label of a provider that failed to load
     * @param status   {@value #AVAILABLE}, {@value #UNAVAILABLE}, {@value #MISSING} or {@value #BROKEN}
     * @param details  the version and priority of a usable backend, else what is wrong and what to do
     * @param priority the provider's priority (0 when it is not on the classpath)
     * @param provider the provider class, empty when it is not on the classpath
     */
    record Backend(String name, String status, String details, int priority, String provider) {
    }

    @Override
    protected int run() {
        CpuFeatures cpu = CpuFeatures.host();
        Map<String, List<Backend>> sections = new LinkedHashMap<>();
        sections.put("quantizers", list(Quantizers.registry(), QuantizerProvider::backendVersion));
        sections.put("evaluators", list(Evaluators.registry(), p -> ""));
        sections.put("calibrators", list(Calibrators.registry(), p -> ""));
        if (json()) {
            Map<String, Object> doc = new LinkedHashMap<>();
            Map<String, Object> cpuNode = JsonOutput.cpu(cpu);
            cpuNode.put("int8AccumulatesIn32Bits", cpu.known() ? cpu.int8AccumulatesIn32Bits() : null);
            cpuNode.put("meaning", int8Meaning(cpu));
            doc.put("cpu", cpuNode);
            sections.forEach((kind, backends) -> {
                List<Map<String, Object>> entries = new ArrayList<>();
                for (Backend b : backends) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("name", b.name());
                    e.put("status", b.status());
                    e.put("available", b.status().equals(AVAILABLE));
                    e.put("details", b.details());
                    e.put("priority", b.priority());
                    e.put("provider", b.provider());
                    entries.add(e);
                }
                doc.put(kind, entries);
            });
            printJson(doc);
            return Quant4jCli.OK;
        }
        PrintWriter out = out();
        out.println("CPU:");
        TextTable.plain().row(cpu.summary()).row(int8Meaning(cpu)).print(out);
        for (Map.Entry<String, List<Backend>> section : sections.entrySet()) {
            out.println();
            out.println(Character.toUpperCase(section.getKey().charAt(0)) + section.getKey().substring(1) + ":");
            TextTable table = TextTable.plain();
            for (Backend b : section.getValue()) {
                table.row(b.name(), b.status(), b.details());
            }
            table.print(out);
        }
        out.flush();
        return Quant4jCli.OK;
    }

    /**
     * What {@code cpu} means for INT8 models: whether int8 products add in 32 bits, so both kernel
     * targets are exact, or pair up in int16 on AVX2, where models for the vnni target lose accuracy.
     */
    static String int8Meaning(CpuFeatures cpu) {
        if (!cpu.known()) {
            return "cannot tell how int8 products add on this CPU; the portable target (the default) is accurate on"
                    + " every CPU";
        }
        if (cpu.int8AccumulatesIn32Bits()) {
            return "int8 products add in 32 bits (" + (cpu.armDotProduct() ? "dot product" : cpu.amxInt8() ? "AMX"
                    : "VNNI") + "): both portable and vnni models are exact here";
        }
        if (cpu.avx2()) {
            return "AVX2 without VNNI: models for the vnni target lose accuracy here; use the portable target (the"
                    + " default)";
        }
        return "int8 products do not add in 32 bits here: models for the vnni target can lose accuracy; use the"
                + " portable target (the default)";
    }

    /**
     * The providers of {@code registry} with their availability, then the names quant4j knows
     * that it lacks (with the artifact to add), then the providers that failed to load.
     */
    static <P extends NamedProvider> List<Backend> list(ProviderRegistry<P> registry, Function<P, String> version) {
        List<Backend> backends = new ArrayList<>();
        for (P p : registry.all()) {
            Availability a = availability(p);
            String details;
            if (a.available()) {
                String v = version.apply(p);
                List<String> parts = new ArrayList<>();
                if (v != null && !v.isBlank()) {
                    parts.add("version " + v);
                }
                if (p.priority() != 0) {
                    parts.add("priority " + p.priority());
                }
                details = String.join(", ", parts);
            } else {
                details = a.reason();
            }
            backends.add(new Backend(p.name(), a.available() ? AVAILABLE : UNAVAILABLE, details, p.priority(),
                    p.getClass().getName()));
        }
        registry.knownArtifacts().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .filter(e -> !registry.contains(e.getKey()))
                .forEach(e -> backends.add(new Backend(e.getKey(), MISSING, "not on the classpath: add "
                        + e.getValue(), 0, "")));
        registry.broken().forEach((label, cause) -> backends.add(new Backend(label, BROKEN,
                "failed to load: " + cause, 0, "")));
        return backends;
    }

    /** The provider's availability; a provider whose check itself fails is unavailable for that reason. */
    private static Availability availability(NamedProvider p) {
        try {
            return p.availability();
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its availability check failed: " + e, e);
        }
    }
}
