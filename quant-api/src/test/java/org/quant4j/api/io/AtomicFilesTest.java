package org.quant4j.api.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantException;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<Path> files(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.sorted().toList();
        }
    }

    @Test
    void writesTheContentAndCreatesMissingDirectories() throws IOException {
        Path target = dir.resolve("a/b/out.txt");
        AtomicFiles.writeString(target, "test file", "hello");
        assertEquals("hello", Files.readString(target));
        assertEquals(List.of(target), files(target.getParent()));
    }

    @Test
    void aNewFileIsReadableByOthersAndAReplacedFileKeepsItsPermissions() throws IOException {
        Path fresh = dir.resolve("fresh.txt");
        AtomicFiles.writeString(fresh, "test file", "x");
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        Path existing = dir.resolve("existing.txt");
        Files.writeString(existing, "old");
        Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-rw----"));
        AtomicFiles.writeString(existing, "test file", "new");
        assertEquals("new", Files.readString(existing));
        assertEquals("rw-rw----", PosixFilePermissions.toString(Files.getPosixFilePermissions(existing)));
    }

    @Test
    void aFailingWriterLeavesTheOldFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.txt");
        Files.writeString(target, "old");
        assertThrows(QuantException.class, () -> AtomicFiles.write(target, "test file", out -> {
            out.write("partial".getBytes());
            throw new IOException("disk full");
        }));
        assertEquals("old", Files.readString(target));
        assertEquals(List.of(target), files(dir));
    }

    @Test
    void theInputIsNeverAnOutputWhateverItsSpelling() throws IOException {
        Path input = dir.resolve("model.onnx");
        Files.writeString(input, "m");
        Path link = dir.resolve("link.onnx");
        Files.createSymbolicLink(link, input);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> AtomicFiles.requireNotInput(dir.resolve("./x/../model.onnx"), input, "the model"));
        assertTrue(e.getMessage().contains("never overwritten"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> AtomicFiles.requireNotInput(link, input, "the model"));
        AtomicFiles.requireNotInput(dir.resolve("other.onnx"), input, "the model");
    }
}
