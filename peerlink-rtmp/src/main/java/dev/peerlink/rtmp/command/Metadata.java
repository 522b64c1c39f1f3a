package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.amf.Amf0;
import dev.peerlink.rtmp.amf.EcmaArray;
import dev.peerlink.rtmp.flv.FlvTag;
import java.util.Arrays;
import java.util.Map;

/**
 * Stream metadata between its two shapes. A publisher (ffmpeg, OBS) sends a data message
 * {@code @setDataFrame, onMetaData, {...}}, asking the server to store {@code onMetaData, {...}}; a player and an FLV
 * file get that stored form. Conversion strips or adds the leading string on the bytes, so the ECMA array reaches the
 * player byte for byte as the encoder wrote it.
 */
public final class Metadata {
    public static final String SET_DATA_FRAME = "@setDataFrame";
    public static final String ON_META_DATA = "onMetaData";

    private static final byte[] SET_DATA_FRAME_PREFIX = Amf0.encode(SET_DATA_FRAME);
    private static final byte[] ON_META_DATA_PREFIX = Amf0.encode(ON_META_DATA);

    private Metadata() {}

    /** What a publisher sends: {@code @setDataFrame, onMetaData, ECMA array}. */
    public static DataMessage setDataFrame(Map<String, ?> metadata) {
        return DataMessage.of(SET_DATA_FRAME, ON_META_DATA, new EcmaArray(metadata));
    }

    /** What a player gets and an FLV file holds: {@code onMetaData, ECMA array}. */
    public static byte[] onMetaDataBody(Map<String, ?> metadata) {
        return DataMessage.of(ON_META_DATA, new EcmaArray(metadata)).encode();
    }

    /**
     * The FLV script tag for a data message from a publisher: without the {@code @setDataFrame} string when present,
     * as is otherwise (an encoder writing onMetaData directly, or other script data such as onTextData). The payload
     * is validated as AMF0 starting with a handler name.
     */
    public static FlvTag toFlvTag(RtmpMessage dataMessage) throws RtmpException {
        DataMessage decoded = DataMessage.from(dataMessage); // validates; BAD_COMMAND or an AMF reason on garbage
        byte[] p = dataMessage.payload();
        int start = dataMessage.typeId() == RtmpMessage.Type.DATA_AMF3 ? 1 : 0;
        if (decoded.handler().equals(SET_DATA_FRAME)) {
            if (decoded.values().isEmpty() || !(decoded.values().get(0) instanceof String)) {
                throw new RtmpException(BAD_COMMAND, "@setDataFrame without a handler name");
            }
            if (!startsWith(p, start, SET_DATA_FRAME_PREFIX)) { // ffmpeg, OBS and librtmp all use the short form
                throw new RtmpException(BAD_COMMAND, "@setDataFrame written as a long string");
            }
            start += SET_DATA_FRAME_PREFIX.length;
        }
        return new FlvTag(FlvTag.SCRIPT, dataMessage.timestamp(), Arrays.copyOfRange(p, start, p.length));
    }

    /** The data message a player gets for a script tag: the body unchanged on {@code streamId}. */
    public static RtmpMessage toPlayerMessage(FlvTag script, int streamId, long timestamp) {
        if (script.type() != FlvTag.SCRIPT) {
            throw new IllegalArgumentException("not a script tag: " + script);
        }
        return new RtmpMessage(RtmpMessage.Type.DATA_AMF0, streamId, timestamp, script.body());
    }

    /** The data message a publisher sends for a script tag from an FLV file: {@code @setDataFrame} prepended. */
    public static RtmpMessage toPublisherMessage(FlvTag script, int streamId, long timestamp) {
        byte[] body = script.body();
        byte[] p = Arrays.copyOf(SET_DATA_FRAME_PREFIX, SET_DATA_FRAME_PREFIX.length + body.length);
        System.arraycopy(body, 0, p, SET_DATA_FRAME_PREFIX.length, body.length);
        return new RtmpMessage(RtmpMessage.Type.DATA_AMF0, streamId, timestamp, p);
    }

    /** A cheap check without decoding: does this script body start with the string "onMetaData"? */
    public static boolean isOnMetaData(byte[] scriptBody) {
        return startsWith(scriptBody, 0, ON_META_DATA_PREFIX);
    }

    /** The properties of an {@code onMetaData} script body (object or ECMA array); BAD_COMMAND for other bodies. */
    public static Map<String, Object> parse(byte[] scriptBody) throws RtmpException {
        DataMessage d = DataMessage.decode(scriptBody, 0, scriptBody.length);
        if (!d.handler().equals(ON_META_DATA) || d.values().isEmpty() || !(d.values().get(0) instanceof Map<?, ?> m)) {
            throw new RtmpException(BAD_COMMAND, "not onMetaData with properties: " + d.handler());
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> props = (Map<String, Object>) m;
        return props;
    }

    private static boolean startsWith(byte[] b, int offset, byte[] prefix) {
        return b.length - offset >= prefix.length
                && Arrays.equals(b, offset, offset + prefix.length, prefix, 0, prefix.length);
    }
}
