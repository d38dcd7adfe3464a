package org.quant4j.api.io;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.function.Supplier;
import org.quant4j.api.InvalidInputException;
import org.quant4j.api.QuantException;

/**
 * Atomic file output, the one implementation every module uses: content goes to a temporary file
 * in the target's directory that is then moved into place, so a reader sees the old file or the
 * complete new one, never a partial write, and a failed write leaves nothing behind. Missing
 * parent directories are created.
 */
public final class AtomicFiles {

    /** Writes content to a stream; may throw {@link IOException}. */
    @FunctionalInterface
    public interface StreamWriter {
        /**
         * Writes the whole content; the stream is flushed and closed by the caller.
         *
         * @param out the stream to the temporary file
         * @throws IOException when writing fails; the target is then left untouched
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically through {@code writer}.
     *
     * @param target the file to create or replace
     * @param writer writes the content
     * @throws InvalidInputException when {@code target} is a directory or a root, or its directory
     *     cannot be created
     * @throws QuantException when writing or moving the file fails
     * @param what names the kind of file in error messages, e.g. "calibration table"
     */
    public static void write(Path target, String what, StreamWriter writer) {
        publish(target, what, writer, true, null);
    }

    /**
     * Writes {@code target} through a temporary file in its directory, forced to disk, then
     * published: with {@code replace}, moved over whatever is there (atomically where the file
     * system can); without, hard-linked to the target name, which fails when the name exists, so that
     * of two writers exactly one creates the file and the other gets {@code exists}.
     */
    static void publish(Path target, String what, StreamWriter writer, boolean replace,
            Supplier<InvalidInputException> exists) {
        Path absolute = target.toAbsolutePath().normalize();
        Path dir = absolute.getParent();
        if (dir == null) {
            throw new InvalidInputException("Cannot write " + what + " to " + target + ": give a file path, not a root");
        }
        if (Files.isDirectory(absolute)) {
            throw new InvalidInputException("Cannot write " + what + " to " + target + ": it is a directory; give a file name");
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidInputException("Cannot write " + what + " to " + target + ": cannot create directory "
                    + dir + " (" + e + "); check the path and its permissions", e);
        }
        Path temp = null;
        try {
            temp = Files.createTempFile(dir, "." + absolute.getFileName() + ".", ".tmp");
            applyPermissions(temp, absolute);
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.writeTo(out);
                out.flush();
                // Durable before it becomes visible: a crash never leaves a complete-looking, empty file.
                channel.force(true);
            }
            if (replace) {
                try {
                    Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
                }
                temp = null;
            } else {
                createExclusively(absolute, temp);
            }
            forceDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            if (exists == null) {
                throw new QuantException("Cannot write " + what + " to " + target + ": " + e, e);
            }
            throw exists.get();
        } catch (IOException e) {
            throw new QuantException("Cannot write " + what + " to " + target + ": " + e, e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException e) {
                    // The write already failed with the more useful error; a stale temp file is secondary.
                }
            }
        }
    }

    /**
     * Gives the complete {@code temp} the name {@code target} unless that name exists. A rename
     * cannot do it (it replaces, or checks and renames in two steps another writer can come
     * between); a hard link is created atomically or fails with {@link FileAlreadyExistsException}.
     * The temp name is removed by the caller. A file system without hard links gets a move without
     * replacing, exclusive except against a writer finishing in the same instant.
     */
    private static void createExclusively(Path target, Path temp) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (UnsupportedOperationException | FileSystemException e) {
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new FileAlreadyExistsException(target.toString());
            }
            Files.move(temp, target);
        }
    }

    /** Makes the new name durable too; best effort, as not every file system can open a directory. */
    private static void forceDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // The file itself is on disk; only its name may be lost in a crash right now.
        }
    }

    /**
     * Writes {@code text} as UTF-8 to {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param what names the kind of file in error messages
     * @param text the content
     * @throws QuantException when the file cannot be written
     */
    public static void writeString(Path target, String what, String text) {
        write(target, what, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Writes {@code bytes} to {@code target} atomically.
     *
     * @param target the file to create or replace
     * @param what names the kind of file in error messages
     * @param bytes the content
     * @throws QuantException when the file cannot be written
     */
    public static void writeBytes(Path target, String what, byte[] bytes) {
        write(target, what, out -> out.write(bytes));
    }

    /**
     * Throws when {@code output} is the same file as {@code input} (by path, link or other
     * spelling): the input a user gave is never overwritten.
     *
     * @param output the path about to be written
     * @param input the path of an input
     * @param what names the output in the message, e.g. "the quantized model"
     * @throws InvalidInputException when they are the same file
     */
    public static void requireNotInput(Path output, Path input, String what) {
        OutputTarget.builder(output, what).input(input, "the input").build().checkNotInput();
    }

    /**
     * The size of {@code file} in bytes, for results.
     *
     * @param file an existing file
     * @return its size in bytes
     * @throws QuantException when it cannot be read
     */
    public static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new QuantException("Cannot read the size of " + file + ": " + e, e);
        }
    }

    /**
     * True when both paths name the same file.
     *
     * @param a one path, existing or not
     * @param b another path, existing or not
     * @return true when they are equal once normalised, or both exist and are the same file
     */
    public static boolean isSameFile(Path a, Path b) {
        Path x = a.toAbsolutePath().normalize();
        Path y = b.toAbsolutePath().normalize();
        if (x.equals(y)) {
            return true;
        }
        try {
            return Files.exists(x) && Files.exists(y) && Files.isSameFile(x, y);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Temporary files are created owner-only; an output is a normal file: it keeps the permissions
     * of the file it replaces, or gets {@code rw-r--r--}.
     */
    private static void applyPermissions(Path temp, Path target) throws IOException {
        if (!Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
            return;
        }
        Set<PosixFilePermission> permissions = Files.exists(target)
                ? Files.getPosixFilePermissions(target)
                : PosixFilePermissions.fromString("rw-r--r--");
        Files.setPosixFilePermissions(temp, permissions);
    }
}
