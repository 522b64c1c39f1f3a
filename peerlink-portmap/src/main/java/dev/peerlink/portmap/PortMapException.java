package dev.peerlink.portmap;

import java.io.IOException;
import java.util.OptionalInt;

/**
 * A port mapping operation failed. {@link #kind()} says how, {@link #protocol()} which protocol failed and
 * {@link #code()} carries the gateway's result / UPnP error code when it sent one. Every failure of a gateway —
 * silence, refusal, garbage, hostile XML — ends up as one of these; never as an unchecked exception or a hang.
 */
public class PortMapException extends IOException {
    /** How the operation failed. */
    public enum Kind {
        /** The gateway does not speak the protocol (no answer, port unreachable, no IGD found, unsupported version). */
        UNAVAILABLE,
        /** The gateway understood and refused (result code / UPnP error in {@link #code()}). */
        REFUSED,
        /** No (complete) answer within the deadline. */
        TIMEOUT,
        /** The answer could not be parsed or broke a limit (size, depth, DTD, wrong message). */
        MALFORMED,
        /** Local I/O failure (no route, socket error). */
        IO
    }

    private final Kind kind;
    private final MappingProtocol protocol;
    private final Integer code;

    public PortMapException(Kind kind, MappingProtocol protocol, String message) {
        this(kind, protocol, null, message, null);
    }

    public PortMapException(Kind kind, MappingProtocol protocol, Integer code, String message, Throwable cause) {
        super((protocol == null ? "" : protocol.cliName() + ": ") + message + (code == null ? "" : " (code " + code + ")"), cause);
        this.kind = kind;
        this.protocol = protocol;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** The protocol that failed; {@code null} when the failure is not specific to one (e.g. all unavailable). */
    public MappingProtocol protocol() {
        return protocol;
    }

    /** NAT-PMP / PCP result code or UPnP error code, when the gateway sent one. */
    public OptionalInt code() {
        return code == null ? OptionalInt.empty() : OptionalInt.of(code);
    }
}
