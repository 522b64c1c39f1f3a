package dev.peerlink.peer.internal.ladder;

import dev.peerlink.secure.SecureSession;
import dev.peerlink.secure.SecureStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Nomination of a secure session, as ICE's controlling agent does: several ladder attempts may each finish a
 * handshake, so the initiator alone decides which session the connection uses (or moves to) and says so on the
 * session's first stream: {@code "PLSEL1"}, one length byte, the path name. The target answers one byte
 * ({@code 0x01}) and only then does either side use the session.
 */
public final class Selection {
    private static final byte[] MAGIC = "PLSEL1".getBytes(StandardCharsets.US_ASCII);
    private static final int ACK = 1;

    private Selection() {}

    /** Initiator: nominates {@code session} for {@code path}; true once the target acknowledged. */
    public static boolean nominate(SecureSession session, String path, Duration timeout) {
        CompletableFuture<Boolean> done = CompletableFuture.supplyAsync(() -> {
            try {
                SecureStream s = session.openStream();
                byte[] p = path.getBytes(StandardCharsets.US_ASCII);
                byte[] msg = Arrays.copyOf(MAGIC, MAGIC.length + 1 + p.length);
                msg[MAGIC.length] = (byte) p.length;
                System.arraycopy(p, 0, msg, MAGIC.length + 1, p.length);
                s.output().write(msg);
                s.output().flush();
                boolean ok = s.input().read() == ACK;
                s.close();
                return ok;
            } catch (IOException e) {
                return false;
            }
        }, r -> Thread.ofVirtual().start(r));
        return await(done, timeout, session) == Boolean.TRUE;
    }

    /** Target: waits for the initiator's nomination on {@code session}; the path name, or null (then closed). */
    public static String awaitNomination(SecureSession session, Duration timeout) {
        CompletableFuture<String> done = CompletableFuture.supplyAsync(() -> {
            try {
                SecureStream s = session.acceptStream();
                if (s == null) {
                    return null;
                }
                InputStream in = s.input();
                byte[] head = in.readNBytes(MAGIC.length + 1);
                if (head.length != MAGIC.length + 1 || !Arrays.equals(head, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
                    s.reset();
                    return null;
                }
                byte[] p = in.readNBytes(head[MAGIC.length] & 0xff);
                String path = new String(p, StandardCharsets.US_ASCII);
                if (!path.matches("[a-z]{1,16}")) {
                    s.reset();
                    return null;
                }
                s.output().write(ACK);
                s.output().flush();
                s.close();
                return path;
            } catch (IOException | InterruptedException e) {
                return null;
            }
        }, r -> Thread.ofVirtual().start(r));
        return await(done, timeout, session);
    }

    private static <T> T await(CompletableFuture<T> f, Duration timeout, SecureSession session) {
        try {
            T v = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (v == null || Boolean.FALSE.equals(v)) {
                session.close();
            }
            return v;
        } catch (TimeoutException | ExecutionException e) {
            session.close();
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            session.close();
            return null;
        }
    }
}
