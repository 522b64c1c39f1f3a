package dev.peerlink.peer.share;

import dev.peerlink.peer.SignallingClient;
import dev.peerlink.peer.SignallingException;
import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.share.wire.ShareBody;
import dev.peerlink.share.wire.ShareCodec;
import dev.peerlink.share.wire.ShareProtocolException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The SDK's entry to network sharing (docs/sharing.md) over a device's signalling connection: find providers, offer
 * to be one ({@link #offer}), feed and ask the QoS map, record radio-map survey points.
 *
 * <pre>{@code
 * ShareClient share = ShareClient.over(peer.signalling());
 * ShareBody.Found found = share.find(new ShareBody.Find(Location.manual(GeoPoint.of(48.8584, 2.2945), now), null,
 *         Scene.defaults(SceneKind.OUTDOOR), null, Conditions.needing(Set.of(ServiceType.SOCKS5)), 3, 0)).join();
 * }</pre>
 */
public final class ShareClient {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Route points per QoS query (the server takes up to 500; smaller keeps each answer well under a frame). */
    static final int ROUTE_CHUNK = 100;

    private final SignallingClient signalling;

    private ShareClient(SignallingClient signalling) {
        this.signalling = signalling;
    }

    public static ShareClient over(SignallingClient signalling) {
        return new ShareClient(signalling);
    }

    SignallingClient signalling() {
        return signalling;
    }

    /** Asks the server for providers; completes with the matched ones, best first (possibly none). */
    public CompletableFuture<ShareBody.Found> find(ShareBody.Find find) {
        Duration timeout = Duration.ofMillis(find.timeoutMs()).plus(REQUEST_TIMEOUT);
        return send(find, timeout).thenApply(b -> expect(b, ShareBody.Found.class));
    }

    /** Announces (or refreshes) this device as a provider once; {@link #offer} keeps it announced. */
    public CompletableFuture<Void> announce(ShareBody.Announce a) {
        return send(a, REQUEST_TIMEOUT).thenApply(b -> null);
    }

    public CompletableFuture<Void> withdraw() {
        return send(new ShareBody.Withdraw(), REQUEST_TIMEOUT).thenApply(b -> null);
    }

    /**
     * Becomes a provider until the returned offering is closed: announces now, again every {@code refresh} and after
     * every re-registration, and answers access requests with {@code decider}.
     */
    public Offering offer(ShareBody.Announce announce, AccessDecider decider, Duration refresh) {
        return Offering.start(this, announce, decider, refresh);
    }

    public CompletableFuture<Void> answer(ShareBody.AccessAnswer a) {
        return send(a, REQUEST_TIMEOUT).thenApply(b -> null);
    }

    /** Reports connection-state samples to the QoS map (devices opt in by calling this). */
    public CompletableFuture<Void> reportQos(List<ShareBody.QosPoint> samples) {
        List<CompletableFuture<ShareBody>> parts = new ArrayList<>();
        for (int i = 0; i < samples.size(); i += ShareBody.QosReport.MAX_SAMPLES) {
            parts.add(send(new ShareBody.QosReport(samples.subList(i, Math.min(samples.size(), i + ShareBody.QosReport.MAX_SAMPLES))),
                    REQUEST_TIMEOUT));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /** Predicted quality at each cell the route passes (one point: that place and time), in route order. */
    public CompletableFuture<List<ShareBody.CellQuality>> qos(List<ShareBody.RoutePoint> route) {
        CompletableFuture<List<ShareBody.CellQuality>> all = CompletableFuture.completedFuture(new ArrayList<>());
        for (int i = 0; i < route.size(); i += ROUTE_CHUNK - 1) {
            // consecutive chunks share their boundary point, so the segment between them is not skipped
            List<ShareBody.RoutePoint> part = route.subList(i, Math.min(route.size(), i + ROUTE_CHUNK));
            all = all.thenCompose(acc -> send(new ShareBody.QosQuery(part), REQUEST_TIMEOUT).thenApply(b -> {
                for (ShareBody.CellQuality c : expect(b, ShareBody.QosResult.class).cells()) {
                    if (acc.isEmpty() || !acc.get(acc.size() - 1).cell().equals(c.cell())) {
                        acc.add(c);
                    }
                }
                return acc;
            }));
            if (i + ROUTE_CHUNK >= route.size()) {
                break;
            }
        }
        return all;
    }

    /** Records a radio-map reference point: this Wi-Fi scan was seen at {@code survey.point()}. */
    public CompletableFuture<Void> survey(ShareBody.Survey survey) {
        return send(survey, REQUEST_TIMEOUT).thenApply(b -> null);
    }

    private CompletableFuture<ShareBody> send(ShareBody body, Duration timeout) {
        Message.Share m = ShareCodec.encode(null, body);
        return signalling.share(m.kind(), m.body(), timeout).thenApply(reply -> {
            if (reply instanceof Message.Ok) {
                return null;
            }
            if (reply instanceof Message.Share s) {
                try {
                    return ShareCodec.decode(s);
                } catch (ShareProtocolException e) {
                    throw new SignallingException(ErrorCode.MALFORMED, "unreadable " + s.kind() + ": " + e.getMessage());
                }
            }
            throw new SignallingException(ErrorCode.UNEXPECTED, "unexpected answer " + reply.type());
        });
    }

    private static <T> T expect(ShareBody b, Class<T> type) {
        if (!type.isInstance(b)) {
            throw new SignallingException(ErrorCode.UNEXPECTED, "expected " + type.getSimpleName());
        }
        return type.cast(b);
    }
}
