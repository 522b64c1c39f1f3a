package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NetStream commands (RTMP spec §7.2.2) and the status notifications a server sends about them. These travel on
 * the message stream createStream returned; notifications use transaction id 0 and a null command object.
 */
public final class NetStream {
    public static final String ON_STATUS = "onStatus";
    public static final String ON_FC_PUBLISH = "onFCPublish";
    public static final String ON_FC_UNPUBLISH = "onFCUnpublish";

    private NetStream() {}

    public static Command publish(double transactionId, String name) {
        return new PublishRequest(transactionId, name, PublishRequest.LIVE).toCommand();
    }

    public static Command play(double transactionId, String name, double start) {
        return new PlayRequest(transactionId, name, start).toCommand();
    }

    /** {@code onStatus, 0, null, {level, code, description}}. */
    public static Command onStatus(Status status) {
        return Command.of(ON_STATUS, 0, null, status.toInfoObject());
    }

    /** The status an onStatus carries; BAD_COMMAND when the command is not onStatus or lacks level and code. */
    public static Status statusOf(Command onStatus) throws RtmpException {
        if (!onStatus.is(ON_STATUS)) {
            throw new RtmpException(BAD_COMMAND, "not onStatus: " + onStatus.name());
        }
        return Status.fromInfoObject(onStatus.objectArg(0));
    }

    /** The FMLE acknowledgement of FCPublish: {@code onFCPublish, 0, null, {code: Publish.Start, description}}. */
    public static Command onFcPublish(String name) {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("code", Status.PUBLISH_START);
        info.put("description", name);
        return Command.of(ON_FC_PUBLISH, 0, null, info);
    }
}
