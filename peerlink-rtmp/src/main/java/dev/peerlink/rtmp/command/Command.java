package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.amf.Amf0;
import dev.peerlink.rtmp.amf.Amf0Limits;
import dev.peerlink.rtmp.amf.Amf0Reader;
import dev.peerlink.rtmp.amf.Amf0Writer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An AMF0 command message (RTMP spec §7.1.1, type 20): the procedure name, a transaction id (0 when no answer is
 * expected, otherwise echoed in {@code _result}/{@code _error}), the command object (null for everything but
 * {@code connect} and some results) and the optional arguments. Typed factories and views for the RTMP exchange are
 * in {@link NetConnection}, {@link NetStream}, {@link ConnectRequest}, {@link PublishRequest}, {@link PlayRequest}
 * and {@link Status}.
 */
public record Command(String name, double transactionId, Map<String, Object> commandObject, List<Object> args) {
    public static final String RESULT = "_result";
    public static final String ERROR = "_error";

    public Command {
        Objects.requireNonNull(name, "name");
        args = Collections.unmodifiableList(new ArrayList<>(args)); // keeps nulls, unlike List.copyOf
    }

    public static Command of(String name, double transactionId, Map<String, Object> commandObject, Object... args) {
        return new Command(name, transactionId, commandObject, java.util.Arrays.asList(args));
    }

    /**
     * Decodes a command message: type 20, or type 17 (AMF3 command) whose body starts with the 0x00 format byte and
     * then carries AMF0. The first two values must be a string and a number and the third, when present, an object,
     * null or undefined (both read as null); anything else is BAD_COMMAND.
     */
    public static Command from(RtmpMessage message) throws RtmpException {
        byte[] p = message.payload();
        int offset = switch (message.typeId()) {
            case RtmpMessage.Type.COMMAND_AMF0 -> 0;
            case RtmpMessage.Type.COMMAND_AMF3 -> {
                if (p.length == 0 || p[0] != 0) {
                    throw new RtmpException(BAD_COMMAND, "AMF3 command without the AMF0 format byte");
                }
                yield 1;
            }
            default -> throw new RtmpException(BAD_COMMAND, "not a command message: type " + message.typeId());
        };
        List<Object> values = new Amf0Reader(p, offset, p.length - offset, Amf0Limits.DEFAULT).readAll();
        if (values.size() < 2 || !(values.get(0) instanceof String name) || !(values.get(1) instanceof Double txn)) {
            throw new RtmpException(BAD_COMMAND, "a command starts with a name and a transaction id");
        }
        Map<String, Object> object = null;
        if (values.size() > 2) {
            Object third = values.get(2);
            if (third instanceof Map<?, ?> m) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) m;
                object = typed;
            } else if (third != null && third != Amf0.UNDEFINED) {
                throw new RtmpException(BAD_COMMAND, name + ": command object is neither an object nor null");
            }
        }
        return new Command(name, txn, object, values.size() > 3 ? values.subList(3, values.size()) : List.of());
    }

    public byte[] encode() {
        Amf0Writer w = new Amf0Writer().write(name).write(transactionId).write(commandObject);
        return w.writeAll(args).toByteArray();
    }

    /** A type 20 message on {@code streamId} (0 for NetConnection commands, the stream's id for NetStream ones). */
    public RtmpMessage toMessage(int streamId) {
        return new RtmpMessage(RtmpMessage.Type.COMMAND_AMF0, streamId, 0, encode());
    }

    public boolean is(String commandName) {
        return name.equals(commandName);
    }

    /** The argument at {@code index}, or null when absent. */
    public Object arg(int index) {
        return index < args.size() ? args.get(index) : null;
    }

    /** The string argument at {@code index}; BAD_COMMAND when absent or not a string. */
    public String stringArg(int index) throws RtmpException {
        if (arg(index) instanceof String s) {
            return s;
        }
        throw new RtmpException(BAD_COMMAND, name + ": argument " + index + " is not a string");
    }

    /** The number argument at {@code index}; BAD_COMMAND when absent or not a number. */
    public double numberArg(int index) throws RtmpException {
        if (arg(index) instanceof Double d) {
            return d;
        }
        throw new RtmpException(BAD_COMMAND, name + ": argument " + index + " is not a number");
    }

    /** The object argument at {@code index}; BAD_COMMAND when absent or not an object. */
    @SuppressWarnings("unchecked")
    public Map<String, Object> objectArg(int index) throws RtmpException {
        if (arg(index) instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw new RtmpException(BAD_COMMAND, name + ": argument " + index + " is not an object");
    }

    @Override
    public String toString() {
        return "Command[" + name + " #" + (long) transactionId + " " + commandObject + " " + args + "]";
    }
}
