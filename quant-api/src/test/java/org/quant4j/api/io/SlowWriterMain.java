package org.quant4j.api.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The writer that {@link OutputTargetTest} kills with SIGKILL in the middle of a write: writes
 * 64 KiB blocks to the output, slowly, without end, and creates the started file after the first.
 */
public final class SlowWriterMain {

    private SlowWriterMain() {
    }

    /**
     * Writes until killed.
     *
     * @param args the output, the started file, "replace" or "create"
     */
    public static void main(String[] args) {
        Path started = Path.of(args[1]);
        OutputTarget.builder(Path.of(args[0]), "the slow output").overwrite(args[2].equals("replace")).build()
                .write(out -> {
                    byte[] block = new byte[1 << 16];
                    for (long i = 0; ; i++) {
                        out.write(block);
                        out.flush();
                        if (i == 0) {
                            Files.createFile(started);
                        }
                        try {
                            Thread.sleep(10);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                    }
                });
    }
}
