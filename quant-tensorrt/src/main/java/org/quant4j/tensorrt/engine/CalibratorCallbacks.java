package org.quant4j.tensorrt.engine;

import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.quant4j.tensorrt.calibration.CalibrationCacheStore;
import org.quant4j.tensorrt.calibration.CalibrationFeed;

/**
 * What both calibrator bridges do when TensorRT calls them back: batches from the
 * {@link CalibrationFeed} into {@link CudaBuffers}, the cache through the
 * {@link CalibrationCacheStore}. An exception cannot cross into TensorRT, so it is kept and
 * {@link #rethrow()} raises it once the build returns. Without data (a cache file that exists)
 * the feed is null and TensorRT gets no batch.
 */
final class CalibratorCallbacks {

    private final CalibrationFeed feed;
    private final CudaBuffers buffers;
    private final Optional<CalibrationCacheStore> cache;
    private BytePointer cacheBytes;
    private RuntimeException failure;

    CalibratorCallbacks(CalibrationFeed feed, CudaBuffers buffers, Optional<CalibrationCacheStore> cache) {
        this.feed = feed;
        this.buffers = buffers;
        this.cache = cache;
    }

    int batchSize() {
        return feed == null ? 1 : feed.batchSize();
    }

    int batchesFed() {
        return feed == null ? 0 : feed.batchesFed();
    }

    boolean getBatch(PointerPointer<?> bindings, PointerPointer<?> names, int count) {
        if (failure != null) {
            return false;
        }
        try {
            if (feed == null || !feed.next(buffers)) {
                return false;
            }
            for (int i = 0; i < count; i++) {
                bindings.put(i, buffers.pointer(names.getString(i)));
            }
            return true;
        } catch (RuntimeException e) {
            failure = e;
            return false;
        }
    }

    Pointer readCache(LongPointer length) {
        try {
            Optional<byte[]> bytes = cache.flatMap(CalibrationCacheStore::read);
            if (bytes.isEmpty()) {
                length.put(0L);
                return null;
            }
            // Kept in a field: TensorRT reads the bytes after this call returns.
            cacheBytes = new BytePointer(bytes.get());
            length.put((long) bytes.get().length);
            return cacheBytes;
        } catch (RuntimeException e) {
            failure = e;
            length.put(0L);
            return null;
        }
    }

    void writeCache(Pointer data, long length) {
        if (cache.isEmpty()) {
            return;
        }
        try {
            byte[] bytes = new byte[Math.toIntExact(length)];
            new BytePointer(data).position(0).limit(length).get(bytes);
            cache.get().write(bytes);
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    void rethrow() {
        if (failure != null) {
            throw failure;
        }
    }

    void close() {
        if (cacheBytes != null) {
            cacheBytes.close();
            cacheBytes = null;
        }
    }
}
