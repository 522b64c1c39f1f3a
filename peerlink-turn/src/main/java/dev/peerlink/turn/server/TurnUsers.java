package dev.peerlink.turn.server;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Long-term credentials from a file, for {@link TurnServerConfig.Builder#users}. */
public final class TurnUsers {
    private TurnUsers() {}

    /** Reads {@code user:password} lines; blank lines and lines starting with '#' are skipped. */
    public static Map<String, String> read(Path file) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) {
                continue;
            }
            int colon = s.indexOf(':');
            if (colon <= 0) {
                throw new IOException(file + ":" + n + ": expected user:password");
            }
            out.put(s.substring(0, colon), s.substring(colon + 1));
        }
        return out;
    }

    /** Unchecked {@link #read}, for fluent code. */
    public static Map<String, String> readUnchecked(Path file) {
        try {
            return read(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
