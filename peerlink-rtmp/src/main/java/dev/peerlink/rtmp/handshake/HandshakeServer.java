package dev.peerlink.rtmp.handshake;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import io.netty.buffer.ByteBuf;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.random.RandomGenerator;

/**
 * The server side of the RTMP handshake as a pure state machine: feed it the client's bytes as they arrive; it answers
 * C0+C1 with S0+S1+S2 and is done when C2 checks out.
 *
 * <p>Accepted: version 3 only (RTMPE's 6 and 8 and everything else are BAD_VERSION, reported on the first byte).
 * A C1 whose version field is zero gets the spec's simple handshake; C2 must then echo S1's random bytes
 * (HANDSHAKE_MISMATCH otherwise). A C1 with a non-zero version field and a valid Flash Player digest (scheme 0 or 1,
 * as ffmpeg, librtmp/rtmpdump and OBS send it) gets a digest S1 (same scheme) and a signed S2, which ffmpeg and
 * rtmpdump verify before they play; its C2 may either echo S1 (ffmpeg when publishing) or carry the player's signature
 * (players), anything else is BAD_DIGEST. A non-zero version without a valid digest falls back to the simple handshake,
 * as nginx-rtmp does.
 *
 * <p>{@link #feed} reads only the bytes the handshake needs: whatever the client pipelined after C2 (usually its first
 * chunks) stays readable in the buffer for the chunk decoder. Errors are final. Not thread-safe.
 */
public final class HandshakeServer {
    /** The version a digest S1 announces: a first byte of 3 or more makes ffmpeg verify the digest, as it should. */
    static final byte[] SERVER_VERSION = {4, 5, 0, 1};

    private enum State { AWAIT_C0_C1, AWAIT_C2, DONE }

    private final RandomGenerator random;
    private final LongSupplier clockMillis;
    private final byte[] c0c1 = new byte[1 + Packets.SIZE];
    private final byte[] c2 = new byte[Packets.SIZE];
    private int have;
    private State state = State.AWAIT_C0_C1;
    private HandshakeMode mode;
    private byte[] s1;
    private byte[] clientDigest;
    private byte[] s1Digest;
    private RtmpException failure;

    /** Secure random bytes and the time since construction in the time fields. */
    public HandshakeServer() {
        this(new SecureRandom(), uptimeFromNow());
    }

    /** {@code clockMillis} fills the 32-bit time fields (wrapping); {@code random} the random bytes. */
    public HandshakeServer(RandomGenerator random, LongSupplier clockMillis) {
        this.random = random;
        this.clockMillis = clockMillis;
    }

    static LongSupplier uptimeFromNow() {
        long start = System.nanoTime();
        return () -> (System.nanoTime() - start) / 1_000_000;
    }

    /** Consumes handshake bytes from {@code in}; returns what to send (S0+S1+S2 once C1 is complete) and whether done. */
    public HandshakeStep feed(ByteBuf in) throws RtmpException {
        if (failure != null) {
            throw new RtmpException(failure.reason(), "handshake failed earlier: " + failure.getMessage());
        }
        try {
            byte[] toSend = HandshakeStep.NOTHING;
            if (state == State.AWAIT_C0_C1) {
                have = Packets.fill(in, c0c1, have);
                if (have >= 1) {
                    Packets.checkVersion(c0c1[0] & 0xFF, "C0");
                }
                if (have < c0c1.length) {
                    return new HandshakeStep(toSend, false);
                }
                toSend = answer();
                have = 0;
                state = State.AWAIT_C2;
            }
            if (state == State.AWAIT_C2) {
                have = Packets.fill(in, c2, have);
                if (have < c2.length) {
                    return new HandshakeStep(toSend, false);
                }
                checkC2();
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

    /** The handshake the client asked for; empty until C1 has arrived. */
    public Optional<HandshakeMode> mode() {
        return Optional.ofNullable(mode);
    }

    /** Call when the client closed: TRUNCATED unless the handshake had completed. */
    public void endOfInput() throws RtmpException {
        if (state == State.AWAIT_C0_C1) {
            throw Packets.truncated("server", "C0+C1", have, c0c1.length);
        }
        if (state == State.AWAIT_C2) {
            throw Packets.truncated("server", "C2", have, c2.length);
        }
    }

    private byte[] answer() {
        byte[] c1 = Arrays.copyOfRange(c0c1, 1, c0c1.length);
        long now = clockMillis.getAsLong();
        int scheme = Packets.u32(c1, 4) == 0 ? -1 : FlashDigest.find(c1, FlashDigest.PLAYER_KEY_SHORT);
        s1 = new byte[Packets.SIZE];
        random.nextBytes(s1);
        Packets.putU32(s1, 0, now);
        byte[] s2;
        if (scheme < 0) {
            mode = HandshakeMode.SIMPLE;
            Packets.putU32(s1, 4, 0);
            s2 = Packets.echo(c1, now);
        } else {
            mode = HandshakeMode.DIGEST;
            clientDigest = FlashDigest.extract(c1, scheme);
            System.arraycopy(SERVER_VERSION, 0, s1, 4, 4);
            FlashDigest.imprint(s1, scheme, FlashDigest.SERVER_KEY_SHORT);
            s1Digest = FlashDigest.extract(s1, scheme);
            s2 = new byte[Packets.SIZE];
            random.nextBytes(s2);
            FlashDigest.sign(s2, clientDigest, FlashDigest.SERVER_KEY);
        }
        byte[] out = new byte[1 + 2 * Packets.SIZE];
        out[0] = Packets.VERSION;
        System.arraycopy(s1, 0, out, 1, Packets.SIZE);
        System.arraycopy(s2, 0, out, 1 + Packets.SIZE, Packets.SIZE);
        return out;
    }

    private void checkC2() throws RtmpException {
        if (Packets.echoes(c2, s1)) {
            return;
        }
        if (mode == HandshakeMode.SIMPLE) {
            throw new RtmpException(Reason.HANDSHAKE_MISMATCH, "C2 does not echo S1's random bytes");
        }
        if (!FlashDigest.signed(c2, s1Digest, FlashDigest.PLAYER_KEY)) {
            throw new RtmpException(Reason.BAD_DIGEST, "C2 neither echoes S1 nor carries the player signature");
        }
    }
}
