package org.quant4j.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The code the README and the tutorial show is the code the build compiles and runs: every fenced block
 * preceded by {@code <!-- source: PATH -->} must be exactly the file at PATH (relative to the repository
 * root), and the documents must show the files they are about.
 */
class ExampleSourcesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern SOURCE_BLOCK = Pattern.compile(
            "<!-- source: (\\S+) -->\\n```[a-z]*\\n(.*?)```\\n", Pattern.DOTALL);

    @Test
    void readmeShowsTheReadmeProjectAndItsProgramVerbatim() {
        Map<String, String> blocks = sourceBlocks(ROOT.resolve("README.md"));
        assertTrue(blocks.containsKey("examples/src/it/readme-project/pom.xml"), "README shows the project's pom.xml");
        assertTrue(blocks.containsKey("examples/src/main/java/org/quant4j/examples/QuantizeAndCompare.java"),
                "README shows the program the README project runs");
        assertShownVerbatim(blocks);
    }

    @Test
    void tutorialShowsEveryTutorialProgramVerbatim() throws IOException {
        Map<String, String> blocks = sourceBlocks(ROOT.resolve("docs/TUTORIAL.md"));
        List<String> programs;
        try (Stream<Path> files = Files.list(ROOT.resolve("examples/src/main/java/org/quant4j/examples/tutorial"))) {
            programs = files.map(f -> ROOT.relativize(f).toString()).sorted().toList();
        }
        assertFalse(programs.isEmpty());
        for (String program : programs) {
            assertTrue(blocks.containsKey(program), "docs/TUTORIAL.md shows " + program);
        }
        assertShownVerbatim(blocks);
    }

    @Test
    void aBlockThatDiffersFromItsSourceIsFound() {
        String doc = "text\n<!-- source: a/B.java -->\n```java\nclass B {}\n```\nmore\n";
        assertEquals(Map.of("a/B.java", "class B {}\n"), sourceBlocks(doc));
    }

    private static void assertShownVerbatim(Map<String, String> blocks) {
        blocks.forEach((path, shown) -> {
            try {
                assertEquals(Files.readString(ROOT.resolve(path)), shown,
                        path + " differs from the block that shows it: copy the file into the document");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static Map<String, String> sourceBlocks(Path document) {
        try {
            return sourceBlocks(Files.readString(document));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, String> sourceBlocks(String document) {
        Map<String, String> blocks = new LinkedHashMap<>();
        Matcher m = SOURCE_BLOCK.matcher(document);
        while (m.find()) {
            blocks.put(m.group(1), m.group(2));
        }
        return blocks;
    }
}
