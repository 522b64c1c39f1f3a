package dev.peerlink.server.transfer.internal;

import dev.peerlink.transfer.UploadException;
import dev.peerlink.transfer.wire.TransferFrame;
import java.util.Locale;

/** Error frames: a stable code and a message. */
final class Errors {
    private Errors() {}

    /** A refusal the service raises while handling a frame. */
    static final class Refused extends Exception {
        final String code;

        Refused(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }
    }

    static TransferFrame frame(String rid, String code, String message) {
        return TransferFrame.of("error").with("rid", rid).with("code", code).with("message", message);
    }

    static String code(UploadException.Reason r) {
        return r.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Refused of(UploadException e) {
        return new Refused(code(e.reason()), e.getMessage());
    }
}
