package dev.peerlink.turn.client;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * 300 Try Alternate that the client did not follow: a second redirect for one allocation (RFC 8489 §10 forbids
 * ping-ponging; we allow one hop), a 300 without ALTERNATE-SERVER or, to a request that carried credentials, without
 * MESSAGE-INTEGRITY (a forged one could send us anywhere), or one met on a socket the client does not own
 * ({@link TurnClient.Builder#socketOwnedBy}: its owner decides where to go). {@link #alternate()} is where it pointed.
 */
public final class TryAlternateException extends TurnException {
    private final InetSocketAddress alternate;

    public TryAlternateException(String message, InetSocketAddress alternate) {
        super(message, 300);
        this.alternate = alternate;
    }

    /** The ALTERNATE-SERVER of the 300, when it carried a trustworthy one. */
    public Optional<InetSocketAddress> alternate() {
        return Optional.ofNullable(alternate);
    }
}
