package dev.peerlink.peer.pairing;

import dev.peerlink.peer.pairing.PairingException.Reason;

/**
 * The exchange on the first stream the initiator opens after the TLS handshake.
 * Request: version (1) | token (16) | device id length L (0..64) | L bytes of device id.
 * Response: one status byte, then FIN. The initiator FINs after reading it; the listener waits for that FIN, then
 * (unless OK) closes the session, so a refusal is never lost to the close.
 */
final class PairingWire {
    static final int VERSION = 1;
    static final int OK = 0;
    static final int WRONG_TOKEN = 1;
    static final int TOKEN_USED = 2;
    static final int EXPIRED = 3;
    static final int BAD_REQUEST = 4;

    private PairingWire() {
    }

    static PairingException refusal(int status) {
        return switch (status) {
            case WRONG_TOKEN -> new PairingException(Reason.WRONG_TOKEN,
                    "the device refused the pairing token: this is not its current pairing code (stale or forged)");
            case TOKEN_USED -> new PairingException(Reason.TOKEN_USED,
                    "this pairing code was already used; ask for a new one");
            case EXPIRED -> new PairingException(Reason.EXPIRED, "the device says the pairing code has expired; ask for a new one");
            case BAD_REQUEST -> new PairingException(Reason.PROTOCOL, "the device could not read our pairing request");
            default -> new PairingException(Reason.PROTOCOL, "unknown pairing answer " + status);
        };
    }

    static String describe(int status) {
        return switch (status) {
            case WRONG_TOKEN -> "wrong token";
            case TOKEN_USED -> "token already used";
            case EXPIRED -> "code expired";
            case BAD_REQUEST -> "malformed pairing request";
            default -> "status " + status;
        };
    }
}
