package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The info object of {@code onStatus}, {@code _result}/{@code _error} of connect and {@code onFCPublish}: level
 * ({@code status}, {@code warning} or {@code error}), code and description. ffmpeg's client acts on the code
 * (Publish.Start, Play.Start, Play.Stop, Play.UnpublishNotify) and aborts on level {@code error}.
 */
public record Status(String level, String code, String description) {
    public static final String STATUS = "status";
    public static final String WARNING = "warning";
    public static final String ERROR = "error";

    public static final String CONNECT_SUCCESS = "NetConnection.Connect.Success";
    public static final String CONNECT_REJECTED = "NetConnection.Connect.Rejected";
    public static final String PUBLISH_START = "NetStream.Publish.Start";
    public static final String PUBLISH_BAD_NAME = "NetStream.Publish.BadName";
    public static final String UNPUBLISH_SUCCESS = "NetStream.Unpublish.Success";
    public static final String PLAY_RESET = "NetStream.Play.Reset";
    public static final String PLAY_START = "NetStream.Play.Start";
    public static final String PLAY_STOP = "NetStream.Play.Stop";
    public static final String PLAY_STREAM_NOT_FOUND = "NetStream.Play.StreamNotFound";
    public static final String PLAY_PUBLISH_NOTIFY = "NetStream.Play.PublishNotify";
    public static final String PLAY_UNPUBLISH_NOTIFY = "NetStream.Play.UnpublishNotify";

    public Status {
        Objects.requireNonNull(level, "level");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(description, "description");
    }

    public static Status connectSuccess() {
        return new Status(STATUS, CONNECT_SUCCESS, "Connection succeeded.");
    }

    public static Status connectRejected(String why) {
        return new Status(ERROR, CONNECT_REJECTED, why);
    }

    public static Status publishStart(String stream) {
        return new Status(STATUS, PUBLISH_START, stream + " is now published.");
    }

    /** The answer to a second publisher of a live key. */
    public static Status publishBadName(String stream) {
        return new Status(ERROR, PUBLISH_BAD_NAME, stream + " is already being published.");
    }

    public static Status unpublishSuccess(String stream) {
        return new Status(STATUS, UNPUBLISH_SUCCESS, stream + " is now unpublished.");
    }

    public static Status playReset(String stream) {
        return new Status(STATUS, PLAY_RESET, "Playing and resetting " + stream + ".");
    }

    public static Status playStart(String stream) {
        return new Status(STATUS, PLAY_START, "Started playing " + stream + ".");
    }

    public static Status playStop(String stream) {
        return new Status(STATUS, PLAY_STOP, "Stopped playing " + stream + ".");
    }

    public static Status playStreamNotFound(String stream) {
        return new Status(ERROR, PLAY_STREAM_NOT_FOUND, stream + " not found.");
    }

    public static Status playUnpublishNotify(String stream) {
        return new Status(STATUS, PLAY_UNPUBLISH_NOTIFY, stream + " is now unpublished.");
    }

    public boolean isError() {
        return ERROR.equals(level);
    }

    /** The info object: level, code, description in that order (what Flash Media Server and ffmpeg write). */
    public Map<String, Object> toInfoObject() {
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("level", level);
        info.put("code", code);
        info.put("description", description);
        return info;
    }

    /** Reads level and code (required strings) and description (optional) from an info object. */
    public static Status fromInfoObject(Map<String, Object> info) throws RtmpException {
        if (!(info.get("level") instanceof String level) || !(info.get("code") instanceof String code)) {
            throw new RtmpException(BAD_COMMAND, "status info object without level and code");
        }
        return new Status(level, code, info.get("description") instanceof String d ? d : "");
    }
}
