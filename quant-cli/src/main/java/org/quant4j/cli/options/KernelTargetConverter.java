package org.quant4j.cli.options;

import java.util.List;
import org.quant4j.api.KernelTarget;

/** {@code --target portable|vnni|host}. */
public final class KernelTargetConverter extends NameConverter<KernelTarget> {

    public KernelTargetConverter() {
        super("kernel target", named(List.of(KernelTarget.values()), KernelTarget::id));
    }
}
