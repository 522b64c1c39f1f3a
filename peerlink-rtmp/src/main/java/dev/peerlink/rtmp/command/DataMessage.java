package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.amf.Amf0;
import dev.peerlink.rtmp.amf.Amf0Limits;
import dev.peerlink.rtmp.amf.Amf0Reader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * An AMF0 data message (RTMP spec §7.1.2, type 18): a handler name ({@code @setDataFrame}, {@code onMetaData},
 * {@code |RtmpSampleAccess}, ...) followed by values. It has no transaction id; unlike a command nothing answers it.
 * The FLV script tag body is the same encoding, see {@link Metadata} for converting between the two.
 */
public record DataMessage(String handler, List<Object> values) {
    public static final String SAMPLE_ACCESS = "|RtmpSampleAccess";

    public DataMessage {
        if (handler == null) {
            throw new NullPointerException("handler");
        }
        values = Collections.unmodifiableList(new ArrayList<>(values));
    }

    public static DataMessage of(String handler, Object... values) {
        return new DataMessage(handler, Arrays.asList(values));
    }

    /** Decodes type 18, or type 15 (AMF3 data) whose body starts with the 0x00 format byte; BAD_COMMAND otherwise. */
    public static DataMessage from(RtmpMessage message) throws RtmpException {
        byte[] p = message.payload();
        int offset = switch (message.typeId()) {
            case RtmpMessage.Type.DATA_AMF0 -> 0;
            case RtmpMessage.Type.DATA_AMF3 -> {
                if (p.length == 0 || p[0] != 0) {
                    throw new RtmpException(BAD_COMMAND, "AMF3 data without the AMF0 format byte");
                }
                yield 1;
            }
            default -> throw new RtmpException(BAD_COMMAND, "not a data message: type " + message.typeId());
        };
        return decode(p, offset, p.length - offset);
    }

    /** Decodes an AMF0 body (a data message payload or an FLV script tag body). */
    public static DataMessage decode(byte[] body, int offset, int length) throws RtmpException {
        List<Object> all = new Amf0Reader(body, offset, length, Amf0Limits.DEFAULT).readAll();
        if (all.isEmpty() || !(all.get(0) instanceof String handler)) {
            throw new RtmpException(BAD_COMMAND, "a data message starts with a handler name");
        }
        return new DataMessage(handler, all.subList(1, all.size()));
    }

    /** {@code |RtmpSampleAccess, audio, video}: lets a Flash player read the samples; ffmpeg ignores it. */
    public static DataMessage sampleAccess(boolean audio, boolean video) {
        return of(SAMPLE_ACCESS, audio, video);
    }

    public byte[] encode() {
        List<Object> all = new ArrayList<>(values.size() + 1);
        all.add(handler);
        all.addAll(values);
        return Amf0.encodeAll(all);
    }

    public RtmpMessage toMessage(int streamId, long timestamp) {
        return new RtmpMessage(RtmpMessage.Type.DATA_AMF0, streamId, timestamp, encode());
    }
}
