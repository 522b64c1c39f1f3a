package dev.peerlink.protocol;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A signalling message, protocol version {@value #VERSION}. Every message is one JSON object in one
 * WebSocket text frame with {@code "v":1} and {@code "type"}; requests carry a client-chosen
 * {@code rid} that the answer echoes. The full protocol, with an example of each message, is in
 * {@code docs/protocol.md} ("Signalling").
 */
public sealed interface Message {
    int VERSION = 1;

    /** The wire name in {@code "type"}. */
    String type();

    /** Request ids: 1-64 printable ASCII characters. */
    Pattern RID = Pattern.compile("[\\x21-\\x7e]{1,64}");
    /** Session ids: 8-64 characters of [A-Za-z0-9_-], chosen at random by the initiator. */
    Pattern SESSION = Pattern.compile("[A-Za-z0-9_-]{8,64}");

    /** Server → client, first message of every connection. {@code nonce}: 32 random bytes, base64url. */
    record Challenge(String nonce, long serverTime, String serverId) implements Message {
        public Challenge {
            Check.required(nonce, "nonce");
            if (Ed25519.unb64(nonce).length != Ed25519.NONCE_BYTES) {
                throw new IllegalArgumentException("nonce must be 32 bytes");
            }
            Check.shortText(Check.required(serverId, "serverId"), "serverId", 128);
        }

        public String type() {
            return "challenge";
        }
    }

    /** Client → server: proves the device key over the challenge nonce and names the device. */
    record Register(String rid, DeviceId deviceId, String publicKey, String signature, Aliases aliases,
                    String enrollToken, NetworkInfo network) implements Message {
        public Register {
            Check.rid(rid, true);
            Check.required(deviceId, "deviceId");
            Ed25519.checkPublicKey(publicKey);
            Check.shortText(Check.required(signature, "signature"), "signature", 128);
            aliases = aliases == null ? Aliases.NONE : aliases;
            Check.shortText(enrollToken, "enrollToken", 256);
            network = network == null ? NetworkInfo.EMPTY : network;
        }

        public String type() {
            return "register";
        }
    }

    /**
     * Server → client: registration accepted. Where STUN is, the heartbeat interval, and relay
     * credentials ({@code relay} null when the server runs no relay).
     */
    record Registered(String rid, DeviceId deviceId, long heartbeatMs, List<String> stun, RelayGrant relay,
                      long serverTime) implements Message {
        public Registered {
            Check.rid(rid, false);
            Check.required(deviceId, "deviceId");
            if (heartbeatMs <= 0) {
                throw new IllegalArgumentException("heartbeatMs must be positive");
            }
            stun = List.copyOf(stun == null ? List.of() : stun);
            stun.forEach(Endpoints::parse);
        }

        public String type() {
            return "registered";
        }
    }

    /** Client → server: the device's network information changed. Answered with {@link Ok}. */
    record Update(String rid, NetworkInfo network) implements Message {
        public Update {
            Check.rid(rid, true);
            Check.required(network, "network");
        }

        public String type() {
            return "update";
        }
    }

    /** Server → client: the request {@code rid} succeeded. */
    record Ok(String rid) implements Message {
        public Ok {
            Check.rid(rid, false);
        }

        public String type() {
            return "ok";
        }
    }

    /** Heartbeat, client → server every {@code heartbeatMs}; answered with {@link Pong}. */
    record Ping(String rid) implements Message {
        public Ping {
            Check.rid(rid, false);
        }

        public String type() {
            return "ping";
        }
    }

    record Pong(String rid, long serverTime) implements Message {
        public Pong {
            Check.rid(rid, false);
        }

        public String type() {
            return "pong";
        }
    }

    /** Initiator → server: broker a session with {@code target}. The offer goes to the target verbatim. */
    record Connect(String rid, Identity target, String session, JsonBlob offer) implements Message {
        public Connect {
            Check.rid(rid, true);
            Check.required(target, "target");
            Check.session(session);
            offer = offer == null ? JsonBlob.EMPTY : offer;
        }

        public String type() {
            return "connect";
        }
    }

    /** Server → target: {@code from} wants a session; answer with {@link Answer}. */
    record Incoming(String session, PeerRef from, JsonBlob offer) implements Message {
        public Incoming {
            Check.session(session);
            Check.required(from, "from");
            offer = offer == null ? JsonBlob.EMPTY : offer;
        }

        public String type() {
            return "incoming";
        }
    }

    /** Target → server: accept or refuse a session. Answered with {@link Ok}. */
    record Answer(String rid, String session, boolean accept, JsonBlob answer, String reason) implements Message {
        public Answer {
            Check.rid(rid, true);
            Check.session(session);
            answer = answer == null ? JsonBlob.EMPTY : answer;
            Check.shortText(reason, "reason", 256);
        }

        public String type() {
            return "answer";
        }
    }

    /** Server → initiator: the target's answer; {@code rid} is the connect's. */
    record Answered(String rid, String session, PeerRef from, boolean accept, JsonBlob answer, String reason)
            implements Message {
        public Answered {
            Check.rid(rid, false);
            Check.session(session);
            Check.required(from, "from");
            answer = answer == null ? JsonBlob.EMPTY : answer;
            Check.shortText(reason, "reason", 256);
        }

        public String type() {
            return "answered";
        }
    }

    /**
     * Between the two devices of a brokered session, relayed by the server: a client sends it with
     * {@code to}; the peer receives it with {@code from} set by the server ({@code to} and {@code from}
     * are each null in the other direction). The server answers the sender with {@link Ok} when it
     * carries a rid.
     */
    record Signal(String rid, String session, DeviceId to, DeviceId from, JsonBlob data) implements Message {
        public Signal {
            Check.rid(rid, false);
            Check.session(session);
            if ((to == null) == (from == null)) {
                throw new IllegalArgumentException("signal carries exactly one of to and from");
            }
            data = data == null ? JsonBlob.EMPTY : data;
        }

        public String type() {
            return "signal";
        }
    }

    /** Client → server: list the sessions waiting for this device (reverse-connection pull). */
    record Pending(String rid) implements Message {
        public Pending {
            Check.rid(rid, true);
        }

        public String type() {
            return "pending";
        }
    }

    /** Server → client: sessions offered to this device and not answered yet. */
    record PendingList(String rid, List<PendingItem> items) implements Message {
        public PendingList {
            Check.rid(rid, false);
            items = List.copyOf(items);
        }

        public String type() {
            return "pending-list";
        }
    }

    record PendingItem(String session, PeerRef from, JsonBlob offer, long expiresAt) {
        public PendingItem {
            Check.session(session);
            Check.required(from, "from");
            offer = offer == null ? JsonBlob.EMPTY : offer;
        }
    }

    /**
     * Server → device (mapping monitor): the server's probes of {@code mapping} failed; delete and re-add it, then
     * report the result with {@link Update}. {@code reason}: {@code probe-failed}, or another 1-40 character
     * [a-z-] label. {@code rid} is unused (null) today.
     */
    record Remap(String rid, NetworkInfo.PortMapping mapping, String reason) implements Message {
        public Remap {
            Check.rid(rid, false);
            Check.required(mapping, "mapping");
            if (reason == null || !reason.matches("[a-z-]{1,40}")) {
                throw new IllegalArgumentException("reason must be 1-40 characters of [a-z-]");
            }
        }

        public String type() {
            return "remap";
        }
    }

    /**
     * Device → server: the probe datagram (or TCP probe) carrying {@code nonce} reached the device through one of
     * its reported mappings. {@code nonce}: the 16 probe bytes, base64url without padding. Not answered (unless it
     * carries a rid: then {@link Ok}); unknown nonces are ignored.
     */
    record ProbeAck(String rid, String nonce) implements Message {
        public static final int NONCE_BYTES = 16;

        public ProbeAck {
            Check.rid(rid, false);
            Check.required(nonce, "nonce");
            if (!nonce.matches("[A-Za-z0-9_-]{22}") || Ed25519.unb64(nonce).length != NONCE_BYTES) {
                throw new IllegalArgumentException("nonce must be 16 bytes, base64url");
            }
        }

        public String type() {
            return "probe-ack";
        }
    }

    /**
     * Initiator → server (issue 17): how its connection ladder for {@code session} ended, for the server's path and
     * setup-time metrics. {@code outcome}: {@code connected} (then {@code path} names the path the connection was
     * made on: {@code lan}, {@code direct}, {@code mapped}, {@code reverse}, {@code punch}, {@code birthday},
     * {@code relay}, or a newer path name of 1-16 characters of [a-z0-9-]) or {@code failed} ({@code path} absent,
     * {@code reason} the failure code, e.g. {@code no-path}). {@code setupMs}: from the start of the attempt to the
     * first secure session (on failure: to giving up), 0..{@value #MAX_SETUP_MS}. Answered with {@link Ok} when it
     * carries a rid, and with an {@link Error} when refused.
     */
    record LadderReport(String rid, String session, String outcome, String path, long setupMs, String reason)
            implements Message {
        public static final String CONNECTED = "connected";
        public static final String FAILED = "failed";
        public static final long MAX_SETUP_MS = 120_000;
        static final Pattern LABEL = Pattern.compile("[a-z0-9-]{1,16}");
        static final Pattern REASON = Pattern.compile("[a-z-]{1,40}");

        public LadderReport {
            Check.rid(rid, false);
            Check.session(session);
            boolean connected = CONNECTED.equals(outcome);
            if (!connected && !FAILED.equals(outcome)) {
                throw new IllegalArgumentException("outcome must be connected or failed");
            }
            if (connected ? path == null || !LABEL.matcher(path).matches() : path != null) {
                throw new IllegalArgumentException(connected ? "path must be 1-16 characters of [a-z0-9-]"
                        : "a failed report names no path");
            }
            if (setupMs < 0 || setupMs > MAX_SETUP_MS) {
                throw new IllegalArgumentException("setupMs must be 0.." + MAX_SETUP_MS);
            }
            if (reason != null && (connected || !REASON.matcher(reason).matches())) {
                throw new IllegalArgumentException(connected ? "a connected report carries no reason"
                        : "reason must be 1-40 characters of [a-z-]");
            }
        }

        public String type() {
            return "ladder-report";
        }
    }

    /**
     * Server → device: content waits for it (a transfer delivery, {@code docs/transfer.md}). Sent when the delivery
     * is created, when the device registers while it waits, and again every retry interval until the device
     * acknowledges it over the transfer protocol. {@code server}: the transfer endpoint that holds it (a ws:// or
     * wss:// URL), null when it is this server's own. {@code size}: bytes, -1 when unknown. {@code from}: the
     * sender's device id ({@code device@tier} when a private tier handed the content on). Not answered.
     */
    record Delivery(long delivery, String contentId, long size, String from, String name, String server) implements Message {
        static final Pattern CONTENT_ID = Pattern.compile("[a-z0-9-]{1,16}:[0-9a-f]{16,128}");
        /** A device id, or {@code device@tier} for content a private tier handed to its central server. */
        static final Pattern SENDER = Pattern.compile("[A-Za-z0-9._-]{1,64}(@[A-Za-z0-9._-]{1,64})?");

        public Delivery {
            if (delivery <= 0) {
                throw new IllegalArgumentException("delivery must be a positive id");
            }
            if (contentId == null || !CONTENT_ID.matcher(contentId).matches()) {
                throw new IllegalArgumentException("contentId must look like sha256:<hex>");
            }
            if (size < -1) {
                throw new IllegalArgumentException("size must be -1 (unknown) or more");
            }
            if (from == null || !SENDER.matcher(from).matches()) {
                throw new IllegalArgumentException("from must be a device id, or device@tier");
            }
            Check.shortText(name, "name", 255);
            Check.shortText(server, "server", 2048);
            if (server != null && !server.startsWith("ws://") && !server.startsWith("wss://")) {
                throw new IllegalArgumentException("server must be a ws:// or wss:// URL");
            }
        }

        public String type() {
            return "delivery";
        }
    }

    /**
     * Network sharing (seed 001, {@code docs/sharing.md}): one envelope for the sharing and QoS-map messages, whose
     * {@code body} the sharing codec ({@code dev.peerlink.share.wire.ShareCodec}) reads. {@code kind} is the wire
     * {@code type}, one of {@link #SHARE_KINDS}. Requests carry a rid; the server's access requests to providers
     * ({@code share-access}) carry none.
     */
    record Share(String rid, String kind, JsonBlob body) implements Message {
        /** Every sharing message type, client requests and server messages alike. */
        public static final java.util.Set<String> SHARE_KINDS = java.util.Set.of(
                "share-announce", "share-withdraw", "share-find", "share-found", "share-access", "share-access-answer",
                "share-survey", "qos-report", "qos-query", "qos-result");

        public Share {
            Check.rid(rid, false);
            if (kind == null || !SHARE_KINDS.contains(kind)) {
                throw new IllegalArgumentException("unknown sharing message kind");
            }
            body = body == null ? JsonBlob.EMPTY : body;
        }

        public String type() {
            return kind;
        }
    }

    /** Server → client: a request failed, or the connection is about to be closed. */
    record Error(String rid, String code, String message) implements Message {
        public Error {
            Check.rid(rid, false);
            if (code == null || !code.matches("[a-z-]{1,40}")) {
                throw new IllegalArgumentException("error code must be 1-40 characters of [a-z-]");
            }
            message = message == null ? "" : Check.shortText(message, "message", 1024);
        }

        public String type() {
            return "error";
        }
    }
}
