package dev.peerlink.cast.media.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines a process wrote to stderr. ffmpeg explains a failure in its final lines, and a long cast must not
 * keep every warning, so only a bounded tail is kept; long lines are cut.
 */
public final class StderrRing {
    private static final int MAX_LINE = 500;
    private final int capacity;
    private final ArrayDeque<String> lines;

    public StderrRing(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    public synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line.length() > MAX_LINE ? line.substring(0, MAX_LINE) + "…" : line);
    }

    public synchronized List<String> lines() {
        return List.copyOf(lines);
    }

    /** Reads {@code in} to its end into the ring; returns when the process closed its stderr. */
    public void drain(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (!line.isBlank()) {
                    add(line.strip());
                }
            }
        } catch (IOException e) {
            add("(stderr read failed: " + e.getMessage() + ")");
        }
    }
}
