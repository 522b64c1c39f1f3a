package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;

/**
 * The typed view of {@code play} (RTMP spec §7.2.2.1): stream name and start (-2 live or recorded, -1 live only,
 * ≥ 0 a recorded position in seconds; ffmpeg sends its {@code rtmp_live} option × 1000, i.e. -2000 by default, so any
 * negative start means live here). Absent start reads as -2.
 */
public record PlayRequest(double transactionId, String name, double start) {
    public static final String NAME = "play";
    public static final double START_ANY = -2;

    public static PlayRequest from(Command c) throws RtmpException {
        if (!c.is(NAME)) {
            throw new RtmpException(BAD_COMMAND, "not play: " + c.name());
        }
        return new PlayRequest(c.transactionId(), c.stringArg(0), c.arg(1) instanceof Double d ? d : START_ANY);
    }

    public Command toCommand() {
        return Command.of(NAME, transactionId, null, name, start);
    }
}
