package dev.peerlink.rtmp.handshake;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The client side of the RTMP handshake as a pure state machine: {@link #start} gives C0+C1; feed it the server's
 * bytes; it answers S1 with C2 and is done when S2 checks out.
 *
 * <p>In {@link HandshakeMode#SIMPLE} mode C1 has a zero version field and S2 must echo C1's random bytes
 * (HANDSHAKE_MISMATCH otherwise). In {@link HandshakeMode#DIGEST} mode C1 carries a Flash Player digest (scheme 0,
 * as ffmpeg sends); if S1 announces a non-zero server version its digest must verify (BAD_DIGEST), C2 is signed, and
 * S2 must either echo C1 or carry the server signature (BAD_DIGEST). A server answering with a zero version (ffmpeg's
 * listen mode does) gets the simple exchange in either mode.
 *
 * <p>C2 goes out as soon as S1 has arrived (the spec lets a server hold S2 until then). Bytes after S2 stay in the fed
 * buffer. Errors are final. Not thread-safe.
 */
public final class HandshakeClient {
    /** Flash Player 9.0.124.2's version, the one ffmpeg announces: it marks C1 as carrying a digest. */
    static final byte[] CLIENT_VERSION = {9, 0, 124, 2};

    private enum State { NEW, AWAIT_S0_S1, AWAIT_S2, DONE }

    private final HandshakeMode mode;
    private final RandomGenerator random;
    private final LongSupplier clockMillis;
    private final byte[] s0s1 = new byte[1 + Packets.SIZE];
    private final byte[] s2 = new byte[Packets.SIZE];
    private byte[] c1;
    private byte[] c1Digest;
    private int have;
    private State state = State.NEW;
    private HandshakeMode serverMode;
    private RtmpException failure;

    public HandshakeClient(HandshakeMode mode) {
        this(mode, new SecureRandom(), HandshakeServer.uptimeFromNow());
    }

    public HandshakeClient(HandshakeMode mode, RandomGenerator random, LongSupplier clockMillis) {
        this.mode = Objects.requireNonNull(mode, "mode");
        this.random = random;
        this.clockMillis = clockMillis;
    }

    /** C0+C1, to send first. Once only. */
    public byte[] start() {
        if (state != State.NEW) {
            throw new IllegalStateException("handshake already started");
        }
        c1 = new byte[Packets.SIZE];
        random.nextBytes(c1);
        Packets.putU32(c1, 0, clockMillis.getAsLong());
        if (mode == HandshakeMode.SIMPLE) {
            Packets.putU32(c1, 4, 0);
        } else {
            System.arraycopy(CLIENT_VERSION, 0, c1, 4, 4);
            FlashDigest.imprint(c1, 0, FlashDigest.PLAYER_KEY_SHORT);
            c1Digest = FlashDigest.extract(c1, 0);
        }
        state = State.AWAIT_S0_S1;
        byte[] out = new byte[1 + Packets.SIZE];
        out[0] = Packets.VERSION;
        System.arraycopy(c1, 0, out, 1, Packets.SIZE);
        return out;
    }

    /** Consumes handshake bytes from {@code in}; returns what to send (C2 once S1 is complete) and whether done. */
    public HandshakeStep feed(ByteBuf in) throws RtmpException {
        if (state == State.NEW) {
            throw new IllegalStateException("call start() and send C0+C1 first");
        }
        if (failure != null) {
            throw new RtmpException(failure.reason(), "handshake failed earlier: " + failure.getMessage());
        }
        try {
            byte[] toSend = HandshakeStep.NOTHING;
            if (state == State.AWAIT_S0_S1) {
                have = Packets.fill(in, s0s1, have);
                if (have >= 1) {
                    Packets.checkVersion(s0s1[0] & 0xFF, "S0");
                }
                if (have < s0s1.length) {
                    return new HandshakeStep(toSend, false);
                }
                toSend = answer(Arrays.copyOfRange(s0s1, 1, s0s1.length));
                have = 0;
                state = State.AWAIT_S2;
            }
            if (state == State.AWAIT_S2) {
                have = Packets.fill(in, s2, have);
                if (have < s2.length) {
                    return new HandshakeStep(toSend, false);
                }
                checkS2();
                state = State.DONE;
            }
            return new HandshakeStep(toSend, true);
        } catch (RtmpException e) {
            failure = e;
            throw e;
        }
    }

    public boolean isDone() {
        return state == State.DONE;
    }

    /** The handshake the server answered with; empty until S1 has arrived. */
    public Optional<HandshakeMode> serverMode() {
        return Optional.ofNullable(serverMode);
    }

    /** Call when the server closed: TRUNCATED unless the handshake had completed. */
    public void endOfInput() throws RtmpException {
        if (state == State.AWAIT_S0_S1 || state == State.NEW) {
            throw Packets.truncated("client", "S0+S1", have, s0s1.length);
        }
        if (state == State.AWAIT_S2) {
            throw Packets.truncated("client", "S2", have, s2.length);
        }
    }

    private byte[] answer(byte[] s1) throws RtmpException {
        if (mode == HandshakeMode.DIGEST && Packets.u32(s1, 4) != 0) {
            int scheme = FlashDigest.find(s1, FlashDigest.SERVER_KEY_SHORT);
            if (scheme < 0) {
                throw new RtmpException(Reason.BAD_DIGEST, "S1 announces a Flash server but has no valid digest");
            }
            serverMode = HandshakeMode.DIGEST;
            byte[] c2 = new byte[Packets.SIZE];
            random.nextBytes(c2);
            FlashDigest.sign(c2, FlashDigest.extract(s1, scheme), FlashDigest.PLAYER_KEY);
            return c2;
        }
        serverMode = HandshakeMode.SIMPLE;
        return Packets.echo(s1, clockMillis.getAsLong());
    }

    private void checkS2() throws RtmpException {
        if (Packets.echoes(s2, c1)) {
            return;
        }
        if (serverMode == HandshakeMode.SIMPLE) {
            throw new RtmpException(Reason.HANDSHAKE_MISMATCH, "S2 does not echo C1's random bytes");
        }
        if (!FlashDigest.signed(s2, c1Digest, FlashDigest.SERVER_KEY)) {
            throw new RtmpException(Reason.BAD_DIGEST, "S2 neither echoes C1 nor carries the server signature");
        }
    }
}
