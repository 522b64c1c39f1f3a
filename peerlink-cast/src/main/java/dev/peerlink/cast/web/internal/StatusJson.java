package dev.peerlink.cast.web.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.peerlink.cast.web.CastStatus;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** The /status and /events body: one JSON object, unknown facts as null. */
public final class StatusJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {}

    public static String of(CastStatus.Snapshot s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("state", s.state().name().toLowerCase(Locale.ROOT));
        m.put("pairing", s.pairing());
        m.put("qr", s.qr());
        m.put("path", s.path());
        m.put("width", s.width());
        m.put("height", s.height());
        m.put("fps", s.fps());
        m.put("frames", s.frames());
        m.put("viewers", s.viewers());
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e); // strings, numbers and booleans always serialise
        }
    }
}
