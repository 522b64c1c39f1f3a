package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * NetConnection commands (RTMP spec §7.2.1) and the FMLE extras every publisher sends before publish
 * ({@code releaseStream}, {@code FCPublish}, {@code FCUnpublish}). All go on message stream 0. Transaction ids are
 * the caller's: a client counts up from 1 (connect) and matches answers by id.
 */
public final class NetConnection {
    public static final String CREATE_STREAM = "createStream";
    public static final String DELETE_STREAM = "deleteStream";
    public static final String RELEASE_STREAM = "releaseStream";
    public static final String FC_PUBLISH = "FCPublish";
    public static final String FC_UNPUBLISH = "FCUnpublish";
    /** What ffmpeg's listening server announces; clients only log it. */
    public static final String FMS_VER = "FMS/3,0,1,123";

    private NetConnection() {}

    /** {@code _result} of connect: server properties then the NetConnection.Connect.Success info (objectEncoding 0). */
    public static Command connectSuccess(double transactionId) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("fmsVer", FMS_VER);
        props.put("capabilities", 31.0);
        Map<String, Object> info = Status.connectSuccess().toInfoObject();
        info.put("objectEncoding", 0.0);
        return Command.of(Command.RESULT, transactionId, props, info);
    }

    /** {@code _error} of connect with NetConnection.Connect.Rejected. */
    public static Command connectRejected(double transactionId, String why) {
        return Command.of(Command.ERROR, transactionId, null, Status.connectRejected(why).toInfoObject());
    }

    /** A plain {@code _result} with a null command object, what releaseStream and FCPublish get. */
    public static Command result(double transactionId, Object... args) {
        return Command.of(Command.RESULT, transactionId, null, args);
    }

    public static Command error(double transactionId, Status status) {
        return Command.of(Command.ERROR, transactionId, null, status.toInfoObject());
    }

    public static Command createStream(double transactionId) {
        return Command.of(CREATE_STREAM, transactionId, null);
    }

    /** {@code _result, txn, null, streamId}: ffmpeg requires exactly null then a number here. */
    public static Command createStreamResult(double transactionId, int streamId) {
        return result(transactionId, (double) streamId);
    }

    /** The stream id in createStream's {@code _result}; BAD_COMMAND when it is not one. */
    public static int streamIdOf(Command result) throws RtmpException {
        if (!result.is(Command.RESULT)) {
            throw new RtmpException(BAD_COMMAND, "createStream answered with " + result.name());
        }
        double id = result.numberArg(0);
        if (!(id >= 1 && id <= Integer.MAX_VALUE) || id != Math.rint(id)) {
            throw new RtmpException(BAD_COMMAND, "bad stream id " + id);
        }
        return (int) id;
    }

    public static Command deleteStream(double transactionId, int streamId) {
        return Command.of(DELETE_STREAM, transactionId, null, (double) streamId);
    }

    public static Command releaseStream(double transactionId, String name) {
        return Command.of(RELEASE_STREAM, transactionId, null, name);
    }

    public static Command fcPublish(double transactionId, String name) {
        return Command.of(FC_PUBLISH, transactionId, null, name);
    }

    public static Command fcUnpublish(double transactionId, String name) {
        return Command.of(FC_UNPUBLISH, transactionId, null, name);
    }

    /** The answer to an error: the {@link Status} of an {@code _error}, BAD_COMMAND if it carries none. */
    public static Status statusOf(Command answer) throws RtmpException {
        return Status.fromInfoObject(answer.objectArg(0));
    }
}
