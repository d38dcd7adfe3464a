package org.quant4j.api.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Makes a directory in which no file can be created, for tests of the read-only checks, and
 * restores it on close. Permissions do it for a normal user; root ignores them, so for root the
 * directory is also made immutable with {@code chattr +i} where the file system supports it.
 * {@link #unwritable()} says whether it worked (a test assumes it).
 */
public final class UnwritableDirectory implements AutoCloseable {

    private final Path dir;
    private boolean immutable;

    private UnwritableDirectory(Path dir) {
        this.dir = dir;
    }

    /**
     * Makes {@code dir} unwritable.
     *
     * @param dir an existing directory
     * @return the handle that restores it
     * @throws IOException when its permissions cannot be set
     */
    public static UnwritableDirectory of(Path dir) throws IOException, InterruptedException {
        UnwritableDirectory d = new UnwritableDirectory(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        if (!d.unwritable()) {
            d.immutable = chattr("+i", dir) == 0;
        }
        return d;
    }

    /**
     * Whether creating a file in the directory fails now (tried, not guessed).
     *
     * @return true when it fails
     */
    public boolean unwritable() {
        try {
            Files.delete(Files.createTempFile(dir, "probe", ".tmp"));
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    private static int chattr(String flag, Path dir) throws InterruptedException {
        try {
            return new ProcessBuilder("chattr", flag, dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor();
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (immutable) {
            chattr("-i", dir);
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
