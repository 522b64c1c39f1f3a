package dev.peerlink.exit.provider.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bytes each requester moved through this exit today (UTC day, both directions), kept in {@code usage.json} next to
 * the flow log so a restart keeps the count. Saved by {@link #save()} (the server calls it every few seconds and on
 * close); a crash loses at most that much. Thread-safe.
 */
public final class DailyUsage {
    private static final Logger LOG = LoggerFactory.getLogger(DailyUsage.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final long DAY_MS = 86_400_000L;
    public static final String FILE = "usage.json";

    private final Clock clock;
    private final Path file;
    private volatile long day;
    private volatile Map<String, AtomicLong> bytes = new ConcurrentHashMap<>();
    private volatile boolean dirty;

    /** {@code dir} null: counted in memory only. */
    public DailyUsage(Path dir, Clock clock) {
        this.clock = clock;
        this.file = dir == null ? null : dir.resolve(FILE);
        this.day = today();
        load();
    }

    /** Adds {@code n} bytes to {@code requester}'s day; returns its total today. */
    public long add(String requester, long n) {
        rollOver();
        dirty = true;
        return bytes.computeIfAbsent(requester, k -> new AtomicLong()).addAndGet(n);
    }

    public long used(String requester) {
        rollOver();
        AtomicLong v = bytes.get(requester);
        return v == null ? 0 : v.get();
    }

    public Map<String, Long> snapshot() {
        rollOver();
        Map<String, Long> out = new TreeMap<>();
        bytes.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** Writes the counts if they changed (atomically: temp file, then rename). */
    public synchronized void save() {
        if (file == null || !dirty) {
            return;
        }
        dirty = false;
        ObjectNode o = JSON.createObjectNode();
        o.put("day", LocalDate.ofEpochDay(day).toString());
        ObjectNode b = o.putObject("bytes");
        snapshot().forEach(b::put);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(FILE + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(o));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            dirty = true;
            LOG.warn("cannot save exit usage to {}: {}", file, e.toString());
        }
    }

    private long today() {
        return Math.floorDiv(clock.millis(), DAY_MS);
    }

    private void rollOver() {
        long now = today();
        if (now != day) {
            synchronized (this) {
                if (now != day) {
                    bytes = new ConcurrentHashMap<>();
                    day = now;
                    dirty = true;
                }
            }
        }
    }

    private void load() {
        if (file == null || !Files.exists(file)) {
            return;
        }
        try {
            JsonNode o = JSON.readTree(file.toFile());
            if (!LocalDate.ofEpochDay(day).toString().equals(o.path("day").asText())) {
                return; // another day's counts: today starts at zero
            }
            Iterator<Map.Entry<String, JsonNode>> it = o.path("bytes").fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().canConvertToLong() && e.getValue().longValue() >= 0) {
                    bytes.put(e.getKey(), new AtomicLong(e.getValue().longValue()));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("unreadable exit usage file {} ({}); counting today from zero", file, e.toString());
        }
    }
}
