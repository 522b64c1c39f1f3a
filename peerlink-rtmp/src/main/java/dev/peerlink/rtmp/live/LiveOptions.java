package dev.peerlink.rtmp.live;

import java.time.Duration;
import java.util.Objects;

/**
 * Policy of a {@link LiveHub}.
 *
 * @param backlogBytes   media a subscriber may have pending (offered but refused) before it is cut back to the next
 *                       key frame; configuration tags never count as dropped
 * @param backlogMillis  the same budget in media time: newest minus oldest pending media timestamp
 * @param start          where a new subscriber's media starts
 * @param gopCacheBytes  the largest group of pictures kept for {@link StartMode#CACHED_GOP}; a longer GOP is not
 *                       cached (those subscribers wait for the next key frame instead)
 * @param rebase         rebase each subscriber's timestamps so its first media tag is at 0
 * @param stalePublisher a publisher silent this long may be replaced by a new publish of the same key
 */
public record LiveOptions(long backlogBytes, long backlogMillis, StartMode start, long gopCacheBytes, boolean rebase,
                          Duration stalePublisher) {
    /** Half a second of backlog: live means low latency, a player further behind is better off skipping. */
    public static final LiveOptions DEFAULT =
            new LiveOptions(2 << 20, 500, StartMode.NEXT_KEY_FRAME, 8 << 20, true, Duration.ofSeconds(5));

    /** Where a subscriber's media begins. */
    public enum StartMode {
        /** At the next key frame from the publisher: lowest latency, but a black screen for up to one GOP. */
        NEXT_KEY_FRAME,
        /**
         * At the last key frame, replaying the cached GOP at once: a picture immediately, but the player starts up
         * to one GOP behind live and catches up only if it plays faster than real time (most live players do not),
         * so latency grows by up to the GOP length. Short GOPs (our sender uses 1 s) keep this small.
         */
        CACHED_GOP
    }

    public LiveOptions {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(stalePublisher, "stalePublisher");
        if (backlogBytes <= 0 || backlogMillis <= 0 || gopCacheBytes < 0) {
            throw new IllegalArgumentException("budgets must be positive");
        }
    }

    public LiveOptions withStart(StartMode mode) {
        return new LiveOptions(backlogBytes, backlogMillis, mode, gopCacheBytes, rebase, stalePublisher);
    }

    public LiveOptions withBacklog(long bytes, long millis) {
        return new LiveOptions(bytes, millis, start, gopCacheBytes, rebase, stalePublisher);
    }
}
