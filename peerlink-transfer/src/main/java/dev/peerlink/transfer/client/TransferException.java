package dev.peerlink.transfer.client;

import java.io.IOException;

/**
 * The server refused a transfer request ({@code error} frame): {@link #code()} is the protocol's error code
 * (e.g. {@code unknown-target}, {@code quota-exceeded}, {@code corrupt-chunk}, {@code incomplete}).
 */
public final class TransferException extends IOException {
    private final String code;

    public TransferException(String code, String message) {
        super(code + ": " + message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
