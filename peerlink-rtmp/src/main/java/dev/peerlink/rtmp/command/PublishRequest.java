package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;

/**
 * The typed view of {@code publish} (RTMP spec §7.2.2.6): the stream name (the key, possibly with a ?query the server
 * may use as a token) and the type ({@code live}, {@code record}, {@code append}; live when absent).
 */
public record PublishRequest(double transactionId, String name, String type) {
    public static final String NAME = "publish";
    public static final String LIVE = "live";

    public static PublishRequest from(Command c) throws RtmpException {
        if (!c.is(NAME)) {
            throw new RtmpException(BAD_COMMAND, "not publish: " + c.name());
        }
        return new PublishRequest(c.transactionId(), c.stringArg(0), c.arg(1) instanceof String t ? t : LIVE);
    }

    public Command toCommand() {
        return Command.of(NAME, transactionId, null, name, type);
    }
}
