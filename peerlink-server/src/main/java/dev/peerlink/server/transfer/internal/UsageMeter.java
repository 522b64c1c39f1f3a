package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.MetadataStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Counts uploaded bytes per device and writes them to the daily usage in batches of {@value #FLUSH_BYTES} bytes
 * (and before every quota check and finish): one durable write per chunk for the quota alone would double the
 * commits of an upload. A crash forgets at most the last batch per device.
 */
final class UsageMeter {
    static final long FLUSH_BYTES = 8L << 20;

    private final MetadataStore meta;
    private final LongSupplier day;
    private final Map<String, AtomicLong> pending = new ConcurrentHashMap<>();

    UsageMeter(MetadataStore meta, LongSupplier day) {
        this.meta = meta;
        this.day = day;
    }

    void add(String device, long bytes) {
        if (pending.computeIfAbsent(device, d -> new AtomicLong()).addAndGet(bytes) >= FLUSH_BYTES) {
            flush(device);
        }
    }

    void flush(String device) {
        AtomicLong a = pending.get(device);
        long n = a == null ? 0 : a.getAndSet(0);
        if (n > 0) {
            meta.addUsage(device, day.getAsLong(), n);
        }
    }
}
