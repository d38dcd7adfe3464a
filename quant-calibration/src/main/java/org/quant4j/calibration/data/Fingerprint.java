package org.quant4j.calibration.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.function.Supplier;

import org.quant4j.api.InvalidInputException;

/**
 * Builds a dataset fingerprint: the SHA-256 of named fields, as 64 lower-case hex digits. Each field
 * is written with its length, so {@code ("ab","c")} and {@code ("a","bc")} give different digests.
 * Not thread-safe; {@link #hex()} ends the builder.
 */
public final class Fingerprint {

    private static final int FILE_BUFFER = 1 << 16;

    private final MessageDigest digest;
    private boolean finished;

    private Fingerprint(String kind) {
        digest = sha256();
        add("kind", kind);
    }

    /** A new fingerprint of a source of the given kind, e.g. {@code "idx"} or {@code "subset"}. */
    public static Fingerprint of(String kind) {
        return new Fingerprint(Objects.requireNonNull(kind, "kind"));
    }

    /** Adds a named text field. */
    public Fingerprint add(String name, String value) {
        field(name);
        writeBytes(value.getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Adds a named integer field. */
    public Fingerprint add(String name, long value) {
        return add(name, Long.toString(value));
    }

    /** Adds a named field holding the SHA-256 of {@code length} bytes of {@code bytes} from {@code offset}. */
    public Fingerprint addContent(String name, byte[] bytes, int offset, int length) {
        MessageDigest content = sha256();
        content.update(bytes, offset, length);
        return add(name, HexFormat.of().formatHex(content.digest()));
    }

    /** Adds a named field holding the SHA-256 of the bytes of {@code file}, read as a stream. */
    public Fingerprint addFileContent(String name, Path file) {
        return add(name, sha256Hex(file));
    }

    /** Ends the builder and returns the digest as 64 lower-case hex digits. */
    public String hex() {
        if (finished) {
            throw new IllegalStateException("Fingerprint.hex() was already called on this builder");
        }
        finished = true;
        return HexFormat.of().formatHex(digest.digest());
    }

    /**
     * A supplier that calls {@code compute} once, on the first {@code get()}, and then returns that
     * value; thread-safe. Datasets use it because fingerprinting may read every source file.
     */
    public static Supplier<String> lazy(Supplier<String> compute) {
        Objects.requireNonNull(compute, "compute");
        return new Supplier<>() {
            private volatile String value;

            @Override
            public String get() {
                String v = value;
                if (v == null) {
                    synchronized (this) {
                        v = value;
                        if (v == null) {
                            v = compute.get();
                            value = v;
                        }
                    }
                }
                return v;
            }
        };
    }

    /** SHA-256 of the UTF-8 bytes of {@code text}, as 64 lower-case hex digits. */
    public static String sha256Hex(String text) {
        return HexFormat.of().formatHex(sha256().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** SHA-256 of {@code bytes}, as 64 lower-case hex digits. */
    public static String sha256Hex(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    /** SHA-256 of the content of {@code file}, as 64 lower-case hex digits. */
    public static String sha256Hex(Path file) {
        MessageDigest content = sha256();
        byte[] buffer = new byte[FILE_BUFFER];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                content.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new InvalidInputException("Cannot read " + file + " to fingerprint it: " + e.getMessage()
                    + "; check that the file still exists and is readable", e);
        }
        return HexFormat.of().formatHex(content.digest());
    }

    private void field(String name) {
        if (finished) {
            throw new IllegalStateException("Fingerprint.hex() was already called on this builder");
        }
        writeBytes(name.getBytes(StandardCharsets.UTF_8));
    }

    private void writeBytes(byte[] bytes) {
        int n = bytes.length;
        digest.update(new byte[] {(byte) (n >>> 24), (byte) (n >>> 16), (byte) (n >>> 8), (byte) n});
        digest.update(bytes);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256 (MessageDigest Javadoc).
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
