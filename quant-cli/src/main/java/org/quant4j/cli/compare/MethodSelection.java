package org.quant4j.cli.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.KernelTarget;
import org.quant4j.report.compare.MethodComparison;
import org.quant4j.report.compare.MethodComparison.Method;

/** Chooses the methods of a comparison by name from {@link MethodComparison#standardMethods(long)}, plus a QAT model. */
public final class MethodSelection {

    /** Row name of a quantization-aware-trained model given with {@code --qat}. */
    public static final String QAT = "QAT INT8";

    private MethodSelection() {
    }

    /**
     * The standard methods named in {@code names} (all when empty), in the standard order; the
     * FP32 reference is always included because every other method is compared with it.
     *
     * @param qat a model made by quantization-aware training, added as {@value #QAT}; may be null
     * @throws InvalidInputException naming an unknown method and listing the valid names, or a missing QAT file
     */
    public static List<Method> select(List<String> names, long seed, Path qat) {
        return select(names, seed, qat, KernelTarget.PORTABLE);
    }

    /** As {@link #select(List, long, Path)}, with INT8 weights written for {@code target}. */
    public static List<Method> select(List<String> names, long seed, Path qat, KernelTarget target) {
        List<Method> standard = MethodComparison.standardMethods(seed, target);
        List<Method> chosen = new ArrayList<>();
        if (names == null || names.isEmpty()) {
            chosen.addAll(standard);
        } else {
            Set<String> wanted = new LinkedHashSet<>();
            Set<String> valid = standard.stream().map(Method::name).collect(Collectors.toCollection(LinkedHashSet::new));
            for (String name : names) {
                String trimmed = name.trim();
                if (!trimmed.isEmpty() && !valid.contains(trimmed)) {
                    throw new InvalidInputException("Unknown method '" + trimmed + "' in --methods: choose from "
                            + String.join(", ", valid));
                }
                wanted.add(trimmed);
            }
            for (Method m : standard) {
                if (wanted.contains(m.name()) || m.name().equals(Method.reference().name())) {
                    chosen.add(m);
                }
            }
        }
        if (qat != null) {
            if (!Files.isRegularFile(qat)) {
                throw new InvalidInputException("QAT model " + qat + " does not exist: give the ONNX model exported by"
                        + " quantization-aware training with --qat");
            }
            chosen.add(Method.prebuilt(QAT, qat));
        }
        return List.copyOf(chosen);
    }
}
