package dev.peerlink.server.share.internal;

import dev.peerlink.protocol.ErrorCode;
import dev.peerlink.protocol.Message;
import dev.peerlink.server.share.ShareConfig;
import dev.peerlink.share.Location;
import java.util.Optional;

/**
 * What the sharing broker refuses before doing any work: request floods (per-device token buckets), positions too
 * coarse for a sharing range, and positions that jump further than the device could have moved.
 */
public final class ShareGuards {
    /** A find or announce placed less precisely than this cannot pick devices in a car or a hall. */
    public static final double MAX_USABLE_ACCURACY_METERS = 2_000;
    /** A position stamped further than this in the future is a wrong clock or a lie. */
    static final long MAX_CLOCK_SKEW_MS = 5 * 60_000;

    private final ShareConfig config;
    private final RateLimits finds, announces, qos;
    private final MovementGuard requesters, providers;

    public ShareGuards(ShareConfig config) {
        this.config = config;
        this.finds = new RateLimits(config.findsPerMinute(), config.findBurst());
        this.announces = new RateLimits(config.announcesPerMinute(), config.announceBurst());
        this.qos = new RateLimits(config.qosReportsPerMinute(), Math.max(1, config.qosReportsPerMinute() / 4));
        this.requesters = new MovementGuard(config.maxSpeedMps());
        this.providers = new MovementGuard(config.maxSpeedMps());
    }

    public Optional<Message.Error> checkFind(String device, String rid, long now) {
        if (!finds.take(device, System.nanoTime())) {
            return Optional.of(new Message.Error(rid, ErrorCode.RATE_LIMITED, "too many finds; at most "
                    + config.findsPerMinute() + " a minute"));
        }
        return Optional.empty();
    }

    /** A requester's claimed position: usable precision, a sane clock, and no teleporting. */
    public Optional<Message.Error> checkPosition(String device, String rid, Location at, long now) {
        Optional<Message.Error> basic = basic(rid, at, now);
        if (basic.isPresent()) {
            return basic;
        }
        if (!requesters.accept(device, at, now)) {
            return Optional.of(new Message.Error(rid, "implausible-location",
                    "position moved faster than " + (int) config.maxSpeedMps() + " m/s since the last one"));
        }
        return Optional.empty();
    }

    public Optional<Message.Error> checkAnnounce(String device, String rid, Location at, long now) {
        if (!announces.take(device, System.nanoTime())) {
            return Optional.of(new Message.Error(rid, ErrorCode.RATE_LIMITED, "too many announces; at most "
                    + config.announcesPerMinute() + " a minute"));
        }
        if (at == null) {
            return Optional.empty();
        }
        Optional<Message.Error> basic = basic(rid, at, now);
        if (basic.isPresent()) {
            return basic;
        }
        if (!providers.accept(device, at, now)) {
            return Optional.of(new Message.Error(rid, "implausible-location",
                    "position moved faster than " + (int) config.maxSpeedMps() + " m/s since the last one"));
        }
        return Optional.empty();
    }

    public boolean qosReport(String device) {
        return qos.take(device, System.nanoTime());
    }

    private static Optional<Message.Error> basic(String rid, Location at, long now) {
        if (at.accuracyMeters() > MAX_USABLE_ACCURACY_METERS) {
            return Optional.of(new Message.Error(rid, "location-too-coarse", "accuracy " + Math.round(at.accuracyMeters())
                    + " m; a sharing range needs " + (int) MAX_USABLE_ACCURACY_METERS + " m or better"));
        }
        if (at.timeMillis() > now + MAX_CLOCK_SKEW_MS) {
            return Optional.of(new Message.Error(rid, ErrorCode.INVALID, "location time is in the future"));
        }
        return Optional.empty();
    }

    public void sweep(long now) {
        long nanos = System.nanoTime();
        finds.sweep(nanos);
        announces.sweep(nanos);
        qos.sweep(nanos);
        requesters.sweep(now, 3_600_000);
        providers.sweep(now, 3_600_000);
    }
}
