package dev.peerlink.exit.provider.internal;

import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's own record of what it carried: {@code <dir>/flows.jsonl}, one JSON object per flow, appended when
 * the flow ends or is refused. Past {@link #ROTATE_BYTES} the file moves to {@code flows.jsonl.1} (one old file kept).
 */
public final class FlowLog {
    private static final Logger LOG = LoggerFactory.getLogger(FlowLog.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String FILE = "flows.jsonl";
    static final long ROTATE_BYTES = 64L * 1024 * 1024;

    private final Path file;

    /** {@code dir} null: nothing is written. */
    public FlowLog(Path dir) throws IOException {
        if (dir != null) {
            Files.createDirectories(dir);
            this.file = dir.resolve(FILE);
        } else {
            this.file = null;
        }
    }

    public synchronized void append(FlowRecord r) {
        if (file == null) {
            return;
        }
        ObjectNode o = JSON.createObjectNode();
        o.put("time", r.time().toString());
        o.put("proto", r.proto());
        o.put("requester", r.requester());
        o.put("host", r.host());
        o.put("port", r.port());
        if (r.ip() != null) {
            o.put("ip", r.ip());
        }
        o.put("result", r.result());
        o.put("bytesUp", r.bytesUp());
        o.put("bytesDown", r.bytesDown());
        o.put("durationMs", r.durationMs());
        if (r.cut() != null) {
            o.put("cut", r.cut());
        }
        try {
            if (Files.exists(file) && Files.size(file) > ROTATE_BYTES) {
                Files.move(file, file.resolveSibling(FILE + ".1"), StandardCopyOption.REPLACE_EXISTING);
            }
            Files.write(file, (JSON.writeValueAsString(o) + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            LOG.warn("cannot append to flow log {}: {}", file, e.toString());
        }
    }
}
