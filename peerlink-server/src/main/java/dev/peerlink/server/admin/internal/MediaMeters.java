package dev.peerlink.server.admin.internal;

import static dev.peerlink.server.admin.MeterNames.*;

import dev.peerlink.stun.server.StunServer;
import dev.peerlink.turn.server.Refusal;
import dev.peerlink.turn.server.TurnServer;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/** STUN and TURN meters: functions over the servers' own counters (no second bookkeeping on the packet path). */
public final class MediaMeters {
    private MediaMeters() {}

    public static void bindStun(MeterRegistry r, StunServer stun) {
        counter(r, STUN_MESSAGES, "STUN messages received (well-formed, past the rate limiter)", stun,
                s -> s.stats().requests(), "class", "request");
        counter(r, STUN_MESSAGES, "STUN messages received (well-formed, past the rate limiter)", stun,
                s -> s.stats().indications(), "class", "indication");
        counter(r, STUN_RESPONSES, "STUN responses sent (success and error)", stun, s -> s.stats().responses());
        String dropped = "STUN messages dropped unanswered, by reason";
        counter(r, STUN_DROPPED, dropped, stun, s -> s.stats().droppedGarbage(), "reason", "garbage");
        counter(r, STUN_DROPPED, dropped, stun, s -> s.stats().rateLimited(), "reason", "rate-limited");
        counter(r, STUN_DROPPED, dropped, stun, s -> s.stats().amplificationRefused(), "reason", "amplification");
    }

    public static void bindTurn(MeterRegistry r, TurnServer turn) {
        Gauge.builder(TURN_ALLOCATIONS, turn, t -> t.stats().allocationsActive())
                .description("TURN allocations now").register(r);
        counter(r, TURN_ALLOCATIONS_MADE, "TURN allocations made", turn, t -> t.stats().allocationsCreated());
        Gauge.builder(TURN_PERMISSIONS, turn, t -> t.stats().permissionsActive()).description("TURN permissions now").register(r);
        Gauge.builder(TURN_CHANNELS, turn, t -> t.stats().channelsActive()).description("TURN channel bindings now").register(r);
        Gauge.builder(TURN_DTLS_ASSOCIATIONS, turn, TurnServer::dtlsAssociations)
                .description("DTLS associations now, handshaking or established").register(r);
        String bytes = "Application bytes relayed (payload), to peers and to clients";
        FunctionCounter.builder(TURN_RELAYED_BYTES, turn, t -> t.stats().bytesToPeers()).tags("direction", "to-peer")
                .baseUnit("bytes").description(bytes).register(r);
        FunctionCounter.builder(TURN_RELAYED_BYTES, turn, t -> t.stats().bytesToClients()).tags("direction", "to-client")
                .baseUnit("bytes").description(bytes).register(r);
        String packets = "Packets relayed, to peers and to clients";
        counter(r, TURN_RELAYED_PACKETS, packets, turn, t -> t.stats().packetsToPeers(), "direction", "to-peer");
        counter(r, TURN_RELAYED_PACKETS, packets, turn, t -> t.stats().packetsToClients(), "direction", "to-client");
        String dropped = "Relayed packets dropped, by reason";
        counter(r, TURN_DROPPED_PACKETS, dropped, turn, t -> t.stats().droppedBandwidth(), "reason", "bandwidth");
        counter(r, TURN_DROPPED_PACKETS, dropped, turn, t -> t.stats().droppedNoPermission(), "reason", "no-permission");
        counter(r, TURN_PAUSED_REQUESTS, "TURN requests over TCP/TLS held back by the rate limit (answered later)", turn,
                t -> t.stats().requestsPaused());
        for (Refusal why : Refusal.values()) {
            counter(r, TURN_REFUSALS, "TURN requests refused or dropped, by reason", turn, t -> t.stats().refusals(why),
                    "reason", why.name().toLowerCase(Locale.ROOT).replace('_', '-'));
        }
    }

    static <T> void counter(MeterRegistry r, String name, String help, T obj, ToDoubleFunction<T> f, String... tags) {
        FunctionCounter.builder(name, obj, f).tags(tags).description(help).register(r);
    }
}
