package dev.peerlink.cast.web;

/** A viewer's place in a {@link TagFeed}; closing it stops delivery (idempotent). */
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
