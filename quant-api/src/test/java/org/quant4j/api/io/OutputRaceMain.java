package org.quant4j.api.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.quant4j.api.InvalidInputException;

/**
 * One writer of the two-process race in {@link OutputTargetTest}: checks the output, creates its
 * ready file, waits until the start file exists, then writes its name to the output without replacing, and prints {@code won} or
 * {@code lost: <message>}.
 */
public final class OutputRaceMain {

    private OutputRaceMain() {
    }

    /**
     * Runs one writer.
     *
     * @param args the output, the start file, this writer's name, its ready file
     * @throws IOException when the ready file cannot be created
     */
    public static void main(String[] args) throws IOException {
        Path output = Path.of(args[0]);
        Path start = Path.of(args[1]);
        OutputTarget target = OutputTarget.builder(output, "the race output").overwriteHint("add --overwrite").build();
        target.preflight(0);
        Files.createFile(Path.of(args[3]));
        while (!Files.exists(start)) {
            Thread.onSpinWait();
        }
        try {
            target.writeString(args[2]);
            System.out.println("won");
        } catch (InvalidInputException e) {
            System.out.println("lost: " + e.getMessage());
        }
    }
}
