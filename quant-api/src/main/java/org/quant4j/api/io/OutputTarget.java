package org.quant4j.api.io;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;

/**
 * One file a run writes, with everything that decides whether it may: whether an existing file may
 * be replaced, the files the run reads (which it never replaces, not even when replacing is
 * allowed), and how the caller tells its user to allow replacing ({@code --overwrite} on the command
 * line, {@code overwriteOutput(true)} in the API). Every output of quant4j is written through one:
 * {@link #preflight(long)} before any long work, {@link #write} at the end.
 *
 * <p>Without overwrite the file is created exclusively: of two runs writing the same new file, one
 * wins and the other fails with the "exists" error, even when both finish at the same moment
 * ({@link AtomicFiles} publishes with a hard link, which fails when the name is taken, or on a
 * file system without hard links claims the name with an exclusive create and renames the finished
 * file over the claim). With overwrite the file is replaced atomically. {@link #createIfAbsent} is
 * the same exclusive publish for files several writers may create alike, such as cache entries.
 */
public final class OutputTarget {

    /** The hint of API callers: how to allow replacing an existing output. */
    public static final String API_OVERWRITE_HINT = "allow replacing it with overwriteOutput(true)";

    /**
     * The least free space {@link #preflight} asks for, whatever the estimate: room for a small
     * output (a table, a report) and the file system's own bookkeeping.
     */
    public static final long MIN_FREE_BYTES = 1L << 20;

    /**
     * A file or directory the run reads. A directory covers every file under it.
     *
     * @param path the file or directory, as the user gave it
     * @param what what it is, for messages, e.g. "the calibration data"
     */
    public record Input(Path path, String what) {
        /**
         * Validates the parts.
         *
         * @param path the file or directory, not null
         * @param what what it is, not null
         */
        public Input {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(what, "what");
        }
    }

    /** Free space on the file system of a directory; a seam for tests of the free-space check. */
    @FunctionalInterface
    public interface FreeSpace {
        /** The file system's usable space, as {@link java.nio.file.FileStore#getUsableSpace()} gives it. */
        FreeSpace FILE_STORE = directory -> Files.getFileStore(directory).getUsableSpace();

        /**
         * Bytes this process may still write on the file system of {@code directory}.
         *
         * @param directory an existing directory
         * @return the usable bytes
         * @throws IOException when the file system cannot be asked
         */
        long usableBytes(Path directory) throws IOException;
    }

    private final Path path;
    private final String what;
    private final boolean overwrite;
    private final List<Input> inputs;
    private final String overwriteHint;
    private final FreeSpace freeSpace;
    private final AtomicFiles.ExclusivePublish exclusive;

    private OutputTarget(Builder b) {
        this.path = b.path;
        this.what = b.what;
        this.overwrite = b.overwrite;
        this.inputs = List.copyOf(b.inputs);
        this.overwriteHint = b.overwriteHint;
        this.freeSpace = b.freeSpace;
        this.exclusive = b.exclusive;
    }

    /**
     * A new builder: by default an existing file is not replaced, the run reads nothing, and the
     * hint is {@link #API_OVERWRITE_HINT}.
     *
     * @param path the file to write
     * @param what what the file is, for messages, e.g. "the quantized model"
     * @return the builder
     */
    public static Builder builder(Path path, String what) {
        return new Builder(path, what);
    }

    /**
     * A target that replaces whatever file is at {@code path}: the behaviour of the library's
     * {@code write(Path)} methods, which the caller asked for by naming the file.
     *
     * @param path the file to write
     * @param what what the file is, for messages
     * @return the target
     */
    public static OutputTarget replacing(Path path, String what) {
        return builder(path, what).overwrite(true).build();
    }

    /**
     * The file written.
     *
     * @return the path as given
     */
    public Path path() {
        return path;
    }

    /**
     * What the file is, for messages.
     *
     * @return e.g. "the quantized model"
     */
    public String what() {
        return what;
    }

    /**
     * Whether an existing file (that is no input) may be replaced.
     *
     * @return true when it may
     */
    public boolean overwrite() {
        return overwrite;
    }

    /**
     * The files and directories the run reads; the output is never one of them.
     *
     * @return the inputs, in the order given
     */
    public List<Input> inputs() {
        return inputs;
    }

    /**
     * A copy of this target that also protects {@code input}.
     *
     * @param input a file or directory the run reads
     * @param inputWhat what it is, for messages
     * @return the new target
     */
    public OutputTarget withInput(Path input, String inputWhat) {
        return toBuilder().input(input, inputWhat).build();
    }

    /**
     * A builder holding this target's settings.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        Builder b = new Builder(path, what).overwrite(overwrite).overwriteHint(overwriteHint).freeSpace(freeSpace)
                .exclusivePublish(exclusive);
        b.inputs.addAll(inputs);
        return b;
    }

    /**
     * Refuses an output that is one of the inputs: the same path however spelled, a symbolic link
     * to it or from it, a hard link to the same file, or an existing file under an input directory.
     *
     * @throws InvalidInputException naming the output and the input
     */
    public void checkNotInput() {
        for (Input input : inputs) {
            if (isInput(input.path())) {
                throw new InvalidInputException("Refusing to write " + what + " to " + path + ": it is " + input.what()
                        + " " + input.path() + ", which this run reads. Choose another output path; inputs are never"
                        + " overwritten, not even when replacing outputs is allowed");
            }
        }
    }

    /**
     * Checks, before any long work, that the file can be written: it is no input, not a directory,
     * and (unless replacing is allowed) does not exist; its directory, or the nearest existing
     * ancestor that will hold the directories still to create, is a writable directory (tried by
     * creating and deleting a file there) with at least {@code bytesNeeded} bytes (and at least
     * {@link #MIN_FREE_BYTES}) free. Writes nothing that stays.
     *
     * @param bytesNeeded the expected size of the output, e.g. the input model's size
     * @throws InvalidInputException naming what is wrong and what to do
     */
    public void preflight(long bytesNeeded) {
        checkNotInput();
        Path absolute = path.toAbsolutePath().normalize();
        Path parent = absolute.getParent();
        if (parent == null) {
            throw cannot("give a file path, not a root");
        }
        if (Files.isDirectory(absolute)) {
            throw cannot("it is a directory; give a file name");
        }
        checkFree(true);
        Path existing = parent;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw cannot(existing + " is not a directory; give a path inside a directory");
        }
        String where = existing.equals(parent) ? "its directory " + parent
                : existing + " (where the missing directory " + parent + " would be created)";
        try {
            Path probe = Files.createTempFile(existing, ".quant4j-write-check.", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot write " + what + " to " + path + ": " + where + " is not writable ("
                    + e + "); choose a directory you can write to, or change its permissions", e);
        }
        long needed = Math.max(bytesNeeded, MIN_FREE_BYTES);
        long usable;
        try {
            usable = freeSpace.usableBytes(existing);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot write " + what + " to " + path + ": cannot tell the free space of "
                    + where + " (" + e + ")", e);
        }
        if (usable < needed) {
            throw cannot("only " + bytes(usable) + " free on the file system of " + where + ", and it needs about "
                    + bytes(needed) + "; free some space or choose another directory");
        }
    }

    /**
     * Writes the file through {@code writer}: checks the inputs again, then publishes it atomically,
     * exclusively unless replacing is allowed.
     *
     * @param writer writes the content
     * @throws InvalidInputException when the output is an input, or exists and may not be replaced
     * @throws org.quant4j.api.QuantException when writing fails; nothing is left behind
     */
    public void write(AtomicFiles.StreamWriter writer) {
        checkNotInput();
        if (!overwrite) {
            checkFree(false);
        }
        if (!AtomicFiles.publish(path, what, writer, overwrite, exclusive)) {
            throw exists(false);
        }
    }

    /**
     * Creates the file through {@code writer} unless a file of that name exists, whether or not
     * replacing is allowed: atomically and exclusively, as {@link #write} without overwrite, but
     * a file that is there (or that another writer creates first) is no error. For files any of
     * several writers may create with the same content, such as cache entries.
     *
     * @param writer writes the content
     * @return true when this call created the file; false when one was there, which is left as it is
     * @throws InvalidInputException when the output is an input
     * @throws org.quant4j.api.QuantException when writing fails; nothing is left behind
     */
    public boolean createIfAbsent(AtomicFiles.StreamWriter writer) {
        checkNotInput();
        return AtomicFiles.publish(path, what, writer, false, exclusive);
    }

    /**
     * Writes {@code text} as UTF-8, as {@link #write} does.
     *
     * @param text the content
     */
    public void writeString(String text) {
        write(out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void checkFree(boolean explainEmpty) {
        if (!overwrite && Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            throw exists(explainEmpty);
        }
    }

    /**
     * The error of a file that exists and may not be replaced, naming how the caller allows it. The
     * preflight ({@code explainEmpty}) also says when the file is empty: what a run stopped while
     * publishing on a file system without hard links leaves (see {@link AtomicFiles}).
     */
    private InvalidInputException exists(boolean explainEmpty) {
        String empty = "";
        try {
            if (explainEmpty && Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) && Files.size(path) == 0) {
                empty = " (it is empty: a run stopped while creating it on a file system without hard links leaves"
                        + " such a file; delete it if so)";
            }
        } catch (IOException e) {
            // Only the explanation is lost.
        }
        return cannot("the file exists" + empty + "; choose another path, or " + overwriteHint);
    }

    private InvalidInputException cannot(String why) {
        return new InvalidInputException("Cannot write " + what + " to " + path + ": " + why);
    }

    private boolean isInput(Path input) {
        if (AtomicFiles.isSameFile(path, input)) {
            return true;
        }
        if (!Files.isDirectory(input) || !Files.exists(path)) {
            return false;
        }
        try {
            return path.toRealPath().startsWith(input.toRealPath());
        } catch (IOException e) {
            return false;
        }
    }

    private static String bytes(long n) {
        return n >= 1L << 20 ? String.format(Locale.ROOT, "%.1f MiB", n / (double) (1L << 20)) : n + " bytes";
    }

    @Override
    public String toString() {
        return "OutputTarget[" + what + " " + path + (overwrite ? ", may replace" : "") + ", inputs " + inputs + "]";
    }

    /** Builder of {@link OutputTarget}. */
    public static final class Builder {
        private final Path path;
        private final String what;
        private boolean overwrite;
        private final List<Input> inputs = new ArrayList<>();
        private String overwriteHint = API_OVERWRITE_HINT;
        private FreeSpace freeSpace = FreeSpace.FILE_STORE;
        private AtomicFiles.ExclusivePublish exclusive = AtomicFiles.ExclusivePublish.HARD_LINK;

        private Builder(Path path, String what) {
            this.path = Objects.requireNonNull(path, "path");
            this.what = Objects.requireNonNull(what, "what");
        }

        /**
         * Allows replacing an existing file that is no input (false by default).
         *
         * @param overwrite true to allow it
         * @return this builder
         */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /**
         * Adds a file or directory the run reads.
         *
         * @param input the file or directory
         * @param inputWhat what it is, for messages, e.g. "the labels"
         * @return this builder
         */
        public Builder input(Path input, String inputWhat) {
            inputs.add(new Input(input, inputWhat));
            return this;
        }

        /**
         * Adds files or directories the run reads.
         *
         * @param more the inputs
         * @return this builder
         */
        public Builder inputs(Collection<Input> more) {
            inputs.addAll(more);
            return this;
        }

        /**
         * Sets how the caller's user allows replacing, ending the "already exists" message, e.g.
         * "add --overwrite" ({@link #API_OVERWRITE_HINT} by default).
         *
         * @param hint the words
         * @return this builder
         */
        public Builder overwriteHint(String hint) {
            this.overwriteHint = Objects.requireNonNull(hint, "hint");
            return this;
        }

        /**
         * Sets how free space is measured ({@link FreeSpace#FILE_STORE} by default).
         *
         * @param space the measure
         * @return this builder
         */
        public Builder freeSpace(FreeSpace space) {
            this.freeSpace = Objects.requireNonNull(space, "space");
            return this;
        }

        /** Sets how a new file is published without replacing; tests force the fallback with it. */
        Builder exclusivePublish(AtomicFiles.ExclusivePublish how) {
            this.exclusive = Objects.requireNonNull(how, "how");
            return this;
        }

        /**
         * Builds the target.
         *
         * @return the immutable target
         */
        public OutputTarget build() {
            return new OutputTarget(this);
        }
    }
}
