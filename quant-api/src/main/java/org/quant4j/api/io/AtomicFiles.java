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
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
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
        publish(target, what, writer, true, ExclusivePublish.HARD_LINK);
    }

    /** How a new file is given its name without replacing one; a seam for tests of the fallback. */
    enum ExclusivePublish {
        /** A hard link, falling back to {@link #CLAIM_AND_RENAME} where the file system has none. */
        HARD_LINK,
        /** The fallback, always. */
        CLAIM_AND_RENAME
    }

    /**
     * Writes {@code target} through a temporary file in its directory, forced to disk, then
     * published: with {@code replace}, moved over whatever is there (atomically where the file
     * system can); without, created exclusively (see {@link #createExclusively}), so that of two
     * writers exactly one creates the file.
     *
     * @return true when the file was published; false (nothing written, nothing left behind) when
     *     {@code replace} is false and the name exists
     */
    static boolean publish(Path target, String what, StreamWriter writer, boolean replace,
            ExclusivePublish exclusive) {
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
            boolean published;
            if (replace) {
                moveOver(temp, absolute);
                published = true;
            } else {
                published = createExclusively(absolute, temp, exclusive);
            }
            if (published) {
                forceDirectory(dir);
            }
            return published;
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

    /** Renames {@code from} over {@code to}, atomically where the file system can. */
    private static void moveOver(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Gives the complete {@code temp} the name {@code target} unless that name exists, in one step
     * no other writer can come between. A rename cannot do it (it replaces, or checks and renames in
     * two steps). A hard link is created atomically or fails when the name exists; the caller then
     * removes the temp name.
     *
     * <p>A file system without hard links gets the fallback: the name is claimed by creating an empty
     * file exclusively ({@code O_CREAT|O_EXCL}, which fails when the name exists), and the complete
     * temp file is then renamed over the claim. The claim is made only once the content is written
     * and on disk, so it is visible for the instant of one rename. The trade-off: a process killed in
     * that instant leaves an empty file under the name. It is an ordinary existing file afterwards:
     * a run that may not replace it stops with the "exists" error before any work (its preflight
     * says the file is empty and how it can have come about), a run allowed to replace it replaces
     * it, and a calibration cache entry that is empty is refused as truncated and rebuilt. A rename
     * that fails removes the claim, if it is still the empty file this writer created.
     *
     * @return false when the name exists
     */
    private static boolean createExclusively(Path target, Path temp, ExclusivePublish exclusive) throws IOException {
        if (exclusive == ExclusivePublish.HARD_LINK) {
            try {
                Files.createLink(target, temp);
                return true;
            } catch (FileAlreadyExistsException e) {
                return false;
            } catch (UnsupportedOperationException | FileSystemException e) {
                // No hard links here (FAT, some network and FUSE file systems): the fallback below.
            }
        }
        try {
            Files.createFile(target);
        } catch (FileAlreadyExistsException e) {
            return false;
        }
        Object claim = fileKey(target);
        boolean renamed = false;
        try {
            moveOver(temp, target);
            renamed = true;
            return true;
        } finally {
            if (!renamed) {
                removeClaim(target, claim);
            }
        }
    }

    private static Object fileKey(Path file) {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Deletes the empty claim of a publish that failed, unless another file has taken its name since. */
    private static void removeClaim(Path target, Object claim) {
        try {
            BasicFileAttributes now = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (now.size() == 0 && (claim == null || claim.equals(now.fileKey()))) {
                Files.delete(target);
            }
        } catch (IOException e) {
            // Gone already, or cannot be removed: the publish's own error is the one to report.
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
