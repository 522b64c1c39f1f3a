package dev.peerlink.rtmp.control;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.RtmpMessage.Type;
import java.util.Arrays;

/**
 * User Control Message (type 4, spec §6.2 and §7.1.7): a 2-byte event type and its event data. The spec's seven events
 * are typed records with exact data lengths; other event types (Flash servers send SWF verification 26/27 and buffer
 * empty/ready 31/32) decode as {@link Unknown} so a session can ignore them instead of dropping the connection.
 */
public sealed interface UserControl extends ControlMessage {
    int STREAM_BEGIN = 0;
    int STREAM_EOF = 1;
    int STREAM_DRY = 2;
    int SET_BUFFER_LENGTH = 3;
    int STREAM_IS_RECORDED = 4;
    int PING_REQUEST = 6;
    int PING_RESPONSE = 7;

    int eventType();

    /** The event data after the 2-byte event type. */
    byte[] eventData();

    @Override
    default RtmpMessage encode() {
        byte[] data = eventData();
        byte[] p = new byte[2 + data.length];
        Wire.putU16(p, 0, eventType());
        System.arraycopy(data, 0, p, 2, data.length);
        return Wire.message(Type.USER_CONTROL, p);
    }

    /** The server tells the client a stream is ready (sent before the stream's first media). */
    record StreamBegin(int streamId) implements UserControl {
        @Override
        public int eventType() {
            return STREAM_BEGIN;
        }

        @Override
        public byte[] eventData() {
            return u32(streamId);
        }
    }

    /** The playback of a stream ended: no more data will be sent. */
    record StreamEof(int streamId) implements UserControl {
        @Override
        public int eventType() {
            return STREAM_EOF;
        }

        @Override
        public byte[] eventData() {
            return u32(streamId);
        }
    }

    /** A stream has no more data for now. */
    record StreamDry(int streamId) implements UserControl {
        @Override
        public int eventType() {
            return STREAM_DRY;
        }

        @Override
        public byte[] eventData() {
            return u32(streamId);
        }
    }

    /** The client's buffer length in milliseconds for a stream (sent before the server processes the stream). */
    record SetBufferLength(int streamId, long bufferMillis) implements UserControl {
        public SetBufferLength {
            Wire.checkU32(bufferMillis, "buffer length");
        }

        @Override
        public int eventType() {
            return SET_BUFFER_LENGTH;
        }

        @Override
        public byte[] eventData() {
            byte[] d = new byte[8];
            Wire.putU32(d, 0, streamId & 0xFFFF_FFFFL);
            Wire.putU32(d, 4, bufferMillis);
            return d;
        }
    }

    /** The stream is a recording, not live. */
    record StreamIsRecorded(int streamId) implements UserControl {
        @Override
        public int eventType() {
            return STREAM_IS_RECORDED;
        }

        @Override
        public byte[] eventData() {
            return u32(streamId);
        }
    }

    /** The server checks the client is alive; the client answers with {@link PingResponse} of the same timestamp. */
    record PingRequest(long timestamp) implements UserControl {
        public PingRequest {
            Wire.checkU32(timestamp, "timestamp");
        }

        @Override
        public int eventType() {
            return PING_REQUEST;
        }

        @Override
        public byte[] eventData() {
            return u32(timestamp);
        }

        public PingResponse response() {
            return new PingResponse(timestamp);
        }
    }

    record PingResponse(long timestamp) implements UserControl {
        public PingResponse {
            Wire.checkU32(timestamp, "timestamp");
        }

        @Override
        public int eventType() {
            return PING_RESPONSE;
        }

        @Override
        public byte[] eventData() {
            return u32(timestamp);
        }
    }

    /** An event type outside the spec's list, kept with its raw data. */
    record Unknown(int eventType, byte[] eventData) implements UserControl {
        public Unknown {
            if (eventType < 0 || eventType > 0xFFFF || isKnown(eventType)) {
                throw new IllegalArgumentException("not an unknown event type: " + eventType);
            }
            eventData = eventData.clone();
        }

        @Override
        public byte[] eventData() {
            return eventData.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Unknown u && u.eventType == eventType && Arrays.equals(u.eventData, eventData);
        }

        @Override
        public int hashCode() {
            return eventType * 31 + Arrays.hashCode(eventData);
        }

        @Override
        public String toString() {
            return "Unknown[eventType=" + eventType + ", " + eventData.length + " bytes]";
        }
    }

    private static boolean isKnown(int eventType) {
        return eventType <= STREAM_IS_RECORDED || eventType == PING_REQUEST || eventType == PING_RESPONSE;
    }

    private static byte[] u32(long v) {
        byte[] d = new byte[4];
        Wire.putU32(d, 0, v & 0xFFFF_FFFFL);
        return d;
    }

    static UserControl decode(RtmpMessage m) throws RtmpException {
        if (m.typeId() != Type.USER_CONTROL) {
            throw new RtmpException(Reason.PROTOCOL, "type " + m.typeId() + " is not User Control (4)");
        }
        byte[] p = m.payload();
        if (p.length < 2) {
            throw new RtmpException(Reason.BAD_CONTROL_MESSAGE, "User Control has " + p.length + " bytes, no event type");
        }
        int event = Wire.u16(p, 0);
        if (!isKnown(event)) {
            return new Unknown(event, Arrays.copyOfRange(p, 2, p.length));
        }
        int want = event == SET_BUFFER_LENGTH ? 8 : 4;
        if (p.length != 2 + want) {
            throw new RtmpException(Reason.BAD_CONTROL_MESSAGE,
                    "User Control event " + event + " has " + (p.length - 2) + " data bytes, not " + want);
        }
        long v = Wire.u32(p, 2);
        return switch (event) {
            case STREAM_BEGIN -> new StreamBegin((int) v);
            case STREAM_EOF -> new StreamEof((int) v);
            case STREAM_DRY -> new StreamDry((int) v);
            case SET_BUFFER_LENGTH -> new SetBufferLength((int) v, Wire.u32(p, 6));
            case STREAM_IS_RECORDED -> new StreamIsRecorded((int) v);
            case PING_REQUEST -> new PingRequest(v);
            default -> new PingResponse(v);
        };
    }
}
