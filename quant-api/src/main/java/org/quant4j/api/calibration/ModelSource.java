package org.quant4j.api.calibration;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.quant4j.api.InvalidInputException;

/**
 * Where a model to calibrate comes from: a file, or the serialized model in memory (for callers that
 * hold a graph they built or changed, such as quantization-aware training).
 */
public sealed interface ModelSource {

    /**
     * A short name of the model for messages and provenance: the file name, or the given name.
     *
     * @return the name, never blank
     */
    String name();

    /**
     * The model file at {@code path}.
     *
     * @param path the ONNX model file
     * @return the source
     */
    static ModelSource file(Path path) {
        return new File(path);
    }

    /**
     * A model serialized in memory, e.g. an ONNX {@code ModelProto}'s bytes.
     *
     * @param model the serialized model; copied
     * @return the source
     * @throws InvalidInputException when the name is blank or there are no bytes
     * @param name what the model is called in messages and provenance
     */
    static ModelSource bytes(String name, byte[] model) {
        return new Bytes(name, model);
    }

    /**
     * A model file.
     *
     * @param path the file
     */
    record File(Path path) implements ModelSource {

        /**
         * Checks the path.
         *
         * @param path the file, not null
         */
        public File {
            Objects.requireNonNull(path, "path");
        }

        @Override
        public String name() {
            Path fileName = path.getFileName();
            return fileName == null ? path.toString() : fileName.toString();
        }
    }

    /** A serialized model held in memory; the bytes are copied in and out, so it stays immutable. */
    final class Bytes implements ModelSource {
        private final String name;
        private final byte[] model;

        private Bytes(String name, byte[] model) {
            if (name == null || name.isBlank()) {
                throw new InvalidInputException("An in-memory model needs a name for messages and provenance,"
                        + " e.g. the name of its graph");
            }
            Objects.requireNonNull(model, "model bytes");
            if (model.length == 0) {
                throw new InvalidInputException("In-memory model '" + name + "' has no bytes: give the serialized"
                        + " model");
            }
            this.name = name;
            this.model = model.clone();
        }

        @Override
        public String name() {
            return name;
        }

        /**
         * A copy of the serialized model.
         *
         * @return a new array holding the model's bytes
         */
        public byte[] toByteArray() {
            return model.clone();
        }

        /**
         * Size of the serialized model in bytes.
         *
         * @return the byte count, &gt; 0
         */
        public int size() {
            return model.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && name.equals(b.name) && Arrays.equals(model, b.model);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(model);
        }

        @Override
        public String toString() {
            return "ModelSource.Bytes[" + name + ", " + model.length + " bytes]";
        }
    }
}
