package dev.peerlink.server.admin;

/**
 * Micrometer names of the server's meters (dots; the Prometheus registry writes them with underscores, counters with
 * {@code _total}, timers in seconds). The admin summary reads them back from the registry by these names. Tags are
 * bounded sets of values; none names a device. The full list with types and units: peerlink-server/ADMIN.md.
 */
public final class MeterNames {
    private MeterNames() {}

    public static final String STUN_MESSAGES = "peerlink.stun.messages"; // class=request|indication
    public static final String STUN_RESPONSES = "peerlink.stun.responses";
    public static final String STUN_DROPPED = "peerlink.stun.dropped"; // reason=garbage|rate-limited|amplification

    public static final String TURN_ALLOCATIONS = "peerlink.turn.allocations"; // gauge
    public static final String TURN_ALLOCATIONS_MADE = "peerlink.turn.allocations.made";
    public static final String TURN_PERMISSIONS = "peerlink.turn.permissions";
    public static final String TURN_CHANNELS = "peerlink.turn.channels";
    public static final String TURN_DTLS_ASSOCIATIONS = "peerlink.turn.dtls.associations";
    public static final String TURN_RELAYED_BYTES = "peerlink.turn.relayed.bytes"; // direction=to-peer|to-client
    public static final String TURN_RELAYED_PACKETS = "peerlink.turn.relayed.packets"; // direction
    public static final String TURN_DROPPED_PACKETS = "peerlink.turn.dropped.packets"; // reason=bandwidth|no-permission
    public static final String TURN_PAUSED_REQUESTS = "peerlink.turn.paused.requests"; // over TCP/TLS, rate limit
    public static final String TURN_REFUSALS = "peerlink.turn.refusals"; // reason (Refusal, lower case)

    public static final String DEVICES_ONLINE = "peerlink.devices.online";
    public static final String DEVICES_REGISTERED = "peerlink.devices.registered";
    public static final String DEVICES_NAT = "peerlink.devices.nat"; // type=full-cone|...|unknown (online devices)
    public static final String SIGNAL_CONNECTIONS = "peerlink.signal.connections";
    public static final String SIGNAL_SESSIONS = "peerlink.signal.sessions";
    public static final String SIGNAL_REGISTRATIONS = "peerlink.signal.registrations"; // outcome
    public static final String SIGNAL_CONNECT_REQUESTS = "peerlink.signal.connect.requests";
    public static final String SIGNAL_CONNECTS = "peerlink.signal.connects"; // outcome=accepted|rejected|failed

    public static final String LADDER_CONNECTIONS = "peerlink.ladder.connections"; // path (another component's)
    public static final String LADDER_SETUP = "peerlink.ladder.setup"; // timer, path

    public static final String MAPPINGS = "peerlink.mappings"; // state=pending|healthy|broken
    public static final String MAPPING_PROBES = "peerlink.mapping.probes";
    public static final String MAPPING_PROBES_ANSWERED = "peerlink.mapping.probes.answered";
    public static final String MAPPING_PROBES_DEFERRED = "peerlink.mapping.probes.deferred";
    public static final String MAPPING_FAILURES = "peerlink.mapping.failures";
    public static final String MAPPING_REMAPS = "peerlink.mapping.remaps";
    public static final String MAPPING_REPAIRS = "peerlink.mapping.repairs";
    public static final String MAPPING_REFUSED = "peerlink.mapping.refused";
    public static final String MAPPING_REPAIR_TIME = "peerlink.mapping.repair"; // timer

    public static final String TRANSFER_OFFERS = "peerlink.transfer.offers";
    public static final String TRANSFER_OFFERED_BYTES = "peerlink.transfer.offered.bytes";
    public static final String TRANSFER_HITS = "peerlink.transfer.hits"; // tier=private|central
    public static final String TRANSFER_SAVED_BYTES = "peerlink.transfer.saved.bytes";
    public static final String TRANSFER_STORED_BYTES = "peerlink.transfer.stored.bytes";
    public static final String TRANSFER_CHUNKS_REFUSED = "peerlink.transfer.chunks.refused";
    public static final String TRANSFER_DELIVERIES = "peerlink.transfer.deliveries"; // state=created|acked

    public static final String SHARE_PROVIDERS = "peerlink.share.providers";
    public static final String SHARE_ANNOUNCES = "peerlink.share.announces";
    public static final String SHARE_FINDS = "peerlink.share.finds";
    public static final String SHARE_ACCESS_REQUESTS = "peerlink.share.access.requests";
    public static final String SHARE_QOS_REPORTS = "peerlink.share.qos.reports";
}
