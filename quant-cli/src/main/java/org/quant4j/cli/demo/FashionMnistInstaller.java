package org.quant4j.cli.demo;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.quant4j.api.InvalidInputException;
import org.quant4j.calibration.data.FashionMnist;

/**
 * Makes sure Fashion-MNIST is on this machine: when files are missing it installs the Debian
 * package {@value #PACKAGE} with {@code apt-get} if it may (running as root, or {@code sudo}
 * without a password), otherwise it fails with the exact command to run.
 */
final class FashionMnistInstaller {

    /** The Debian package holding the IDX files in {@value FashionMnist#DEFAULT_DIRECTORY}. */
    static final String PACKAGE = "dataset-fashion-mnist";

    private FashionMnistInstaller() {
    }

    /**
     * Returns when the files of {@link FashionMnist#directory()} are present, installing them first
     * if needed; {@code console} receives apt-get's output.
     *
     * @throws InvalidInputException with the command to run when they are missing and cannot be installed
     */
    static void ensureInstalled(PrintWriter console) {
        Path dir = FashionMnist.directory();
        List<Path> missing = FashionMnist.missingFiles(dir);
        if (missing.isEmpty()) {
            return;
        }
        List<String> command = installCommand();
        String manual = "sudo apt-get install -y " + PACKAGE;
        if (command.isEmpty()) {
            throw new InvalidInputException("Fashion-MNIST is missing from " + dir + " (" + missing.size()
                    + " files) and quant4j may not install it: run '" + manual + "', then run the demo again");
        }
        console.println("Fashion-MNIST is missing from " + dir + ": running " + String.join(" ", command));
        console.flush();
        int exit = run(command, console);
        missing = FashionMnist.missingFiles(dir);
        if (exit != 0 || !missing.isEmpty()) {
            throw new InvalidInputException("Installing Fashion-MNIST failed (" + String.join(" ", command)
                    + " exited with " + exit + ", still missing " + missing + "): run '" + manual
                    + "' and check its output, then run the demo again");
        }
    }

    /** {@code apt-get install} as root, through {@code sudo -n} when that works, else empty. */
    private static List<String> installCommand() {
        List<String> apt = List.of("apt-get", "install", "-y", PACKAGE);
        if ("root".equals(System.getProperty("user.name"))) {
            return apt;
        }
        if (run(List.of("sudo", "-n", "true"), null) == 0) {
            List<String> sudo = new ArrayList<>(List.of("sudo", "-n"));
            sudo.addAll(apt);
            return sudo;
        }
        return List.of();
    }

    /** Runs {@code command}, copying its output to {@code console} (or dropping it); -1 when it cannot start. */
    private static int run(List<String> command, PrintWriter console) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            try (BufferedReader output = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = output.readLine()) != null) {
                    if (console != null) {
                        console.println(line);
                    }
                }
            }
            return process.waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } finally {
            if (console != null) {
                console.flush();
            }
        }
    }
}
