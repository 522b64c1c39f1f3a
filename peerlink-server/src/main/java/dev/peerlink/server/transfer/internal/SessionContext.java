package dev.peerlink.server.transfer.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * What the transfer server keeps with an upload session (persisted as its context, so a restart loses none of
 * it): whom to deliver to and under which name, who sent it, the central server's session when a private tier
 * asked its central, whether the central took the delivery over, and the delivery once created.
 */
record SessionContext(String target, String name, String from, String central, boolean delegated, long delivery, String deliveredBy) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static SessionContext of(String target, String name, String from) {
        return new SessionContext(target, name, from, null, false, -1, null);
    }

    SessionContext withCentral(String session) {
        return new SessionContext(target, name, from, session, false, delivery, deliveredBy);
    }

    SessionContext delegate() {
        return new SessionContext(target, name, from, central, true, delivery, deliveredBy);
    }

    SessionContext local() {
        return new SessionContext(target, name, from, null, false, delivery, deliveredBy);
    }

    SessionContext delivered(long id, String by) {
        return new SessionContext(target, name, from, central, delegated, id, by);
    }

    String encode() {
        ObjectNode n = JSON.createObjectNode();
        n.put("target", target);
        n.put("from", from);
        if (name != null) {
            n.put("name", name);
        }
        if (central != null) {
            n.put("central", central);
        }
        if (delegated) {
            n.put("delegated", true);
        }
        if (delivery >= 0) {
            n.put("delivery", delivery);
            n.put("deliveredBy", deliveredBy);
        }
        return n.toString();
    }

    static SessionContext decode(String text) {
        try {
            JsonNode n = JSON.readTree(text == null ? "{}" : text);
            return new SessionContext(n.path("target").asText(null), n.path("name").asText(null), n.path("from").asText(null),
                    n.path("central").asText(null), n.path("delegated").asBoolean(false), n.path("delivery").asLong(-1),
                    n.path("deliveredBy").asText(null));
        } catch (IOException e) {
            throw new IllegalStateException("corrupt upload context: " + e.getMessage(), e);
        }
    }
}
