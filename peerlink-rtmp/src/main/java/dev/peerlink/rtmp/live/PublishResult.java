package dev.peerlink.rtmp.live;

/**
 * The answer to {@link LiveHub#publish(String)}: a publisher handle, or why there is none.
 *
 * @param outcome   what happened
 * @param publisher the handle when accepted, null when refused
 */
public record PublishResult(Outcome outcome, LivePublisher publisher) {
    public enum Outcome {
        /** The key was free. */
        ACCEPTED,
        /** A publisher held the key but had been silent past {@link LiveOptions#stalePublisher()}; it was ended. */
        REPLACED_STALE,
        /** A live publisher holds the key (an RTMP server answers NetStream.Publish.BadName). */
        REFUSED_BUSY
    }

    public boolean accepted() {
        return publisher != null;
    }
}
