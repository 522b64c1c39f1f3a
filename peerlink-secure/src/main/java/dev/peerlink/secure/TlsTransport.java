package dev.peerlink.secure;

import dev.peerlink.secure.internal.EngineSocket;
import dev.peerlink.secure.internal.MuxSession;
import dev.peerlink.secure.internal.PinnedTrustManager;
import dev.peerlink.secure.internal.TlsCredentials;
import dev.peerlink.secure.internal.TlsEngines;
import dev.peerlink.secure.internal.UnpinnedTrustManager;
import java.io.IOException;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Secure sessions over TCP paths: TLS 1.3 only (BoringSSL when its native library loads, else the JDK; see
 * {@link TlsEngines}), mutual authentication with both device keys pinned, and our
 * stream multiplexer ({@link dev.peerlink.secure.mux}) on top for several streams, datagrams and keepalive.
 *
 * <p>The path is given: the connection ladder hands over a connected {@link Socket} (direct, LAN or reverse
 * connection). The initiator runs {@link #connect}, the other side {@link #accept}; both block for the handshake
 * (call them from a virtual thread). The session owns the socket.
 */
public final class TlsTransport {
    /** The server's first application byte: "I accepted your certificate". */
    private static final int CONFIRM = 0x50;

    private TlsTransport() {
    }

    /** Initiator side (TLS client). */
    public static SecureSession connect(Socket socket, DeviceIdentity self, PeerIdentity expectedPeer,
                                        SessionConfig config) throws IOException {
        return start(socket, self, expectedPeer, config, true);
    }

    /** Responder side (TLS server). */
    public static SecureSession accept(Socket socket, DeviceIdentity self, PeerIdentity expectedPeer,
                                       SessionConfig config) throws IOException {
        return start(socket, self, expectedPeer, config, false);
    }

    /**
     * Responder side (TLS server) for a peer not known in advance: accepts any well-formed peerlink device certificate
     * (one certificate whose signature verifies under the Ed25519 identity key it claims, see
     * {@link dev.peerlink.secure.internal.UnpinnedTrustManager}) and reports the identity the peer proved in
     * {@link SecureSession#peerIdentity()}. Authorising that identity is the caller's job (pairing: a one-time token
     * checked on the first stream). The initiator still pins this side's key as usual ({@link #connect}).
     */
    public static SecureSession acceptUnpinned(Socket socket, DeviceIdentity self, SessionConfig config)
            throws IOException {
        return acceptUnpinned(socket, null, self, config);
    }

    /**
     * {@link #acceptUnpinned(Socket, DeviceIdentity, SessionConfig)} for a socket whose first bytes were already read
     * (to tell a TLS ClientHello from other traffic on a shared listener): {@code consumed} is replayed to TLS first.
     */
    public static SecureSession acceptUnpinned(Socket socket, byte[] consumed, DeviceIdentity self, SessionConfig config)
            throws IOException {
        UnpinnedTrustManager tm = new UnpinnedTrustManager();
        return start(socket, consumed, self, tm, tm::verified, e -> handshakeFailure(e, tm), config, false);
    }

    private static SecureSession start(Socket socket, DeviceIdentity self, PeerIdentity expected, SessionConfig config,
                                       boolean client) throws IOException {
        PinnedTrustManager tm = new PinnedTrustManager(expected);
        return start(socket, null, self, tm, () -> expected, e -> handshakeFailure(e, tm), config, client);
    }

    private static SecureSession start(Socket socket, byte[] consumed, DeviceIdentity self, X509ExtendedTrustManager tm,
                                       Supplier<PeerIdentity> peer, Function<IOException, SecureHandshakeException> failure,
                                       SessionConfig config, boolean client) throws IOException {
        EngineSocket tls;
        try {
            // A fresh context per session: no session cache, so no resumption that would skip the pin check.
            SSLEngine engine = TlsEngines.create(TlsEngines.preferred(), TlsCredentials.create(self), tm, client);
            tls = new EngineSocket(socket, engine, client ? null : consumed);
        } catch (GeneralSecurityException | IOException e) {
            socket.close();
            throw new SecureHandshakeException("cannot set up TLS: " + e, e, false);
        }
        try {
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) config.handshakeTimeout().toMillis());
            tls.handshake();
            // In TLS 1.3 the client finishes before the server has checked the client's certificate, and would learn
            // of a refusal only on its first read. So the server confirms with one byte and the client waits for it:
            // both sides then know the handshake (and both pin checks) succeeded.
            if (client) {
                int b;
                try {
                    b = tls.input().read();
                } catch (IOException e) {
                    b = -2;
                }
                if (b != CONFIRM) {
                    // We verified the server is the pinned device; it broke off after seeing our certificate.
                    tls.close();
                    throw new SecureHandshakeException("the pinned peer refused our identity (no handshake confirmation)",
                            null, true);
                }
            } else {
                tls.output().write(CONFIRM);
            }
            socket.setSoTimeout(0);
        } catch (SecureHandshakeException e) {
            throw e;
        } catch (IOException e) {
            tls.close();
            throw failure.apply(e);
        }
        return new MuxSession("tls", peer.get(), tls.input(), tls.output(), tls, client, config);
    }

    static SecureHandshakeException handshakeFailure(IOException e, UnpinnedTrustManager tm) {
        if (tm.lastFailure() != null) {
            return new SecureHandshakeException("peer sent no valid peerlink device certificate: "
                    + tm.lastFailure().getMessage(), tm.lastFailure(), true);
        }
        return new SecureHandshakeException("TLS handshake failed: " + e.getMessage(), e, false);
    }

    static SecureHandshakeException handshakeFailure(IOException e, PinnedTrustManager tm) {
        if (tm.lastFailure() != null) {
            return new SecureHandshakeException("peer is not the pinned device: " + tm.lastFailure().getMessage(),
                    tm.lastFailure(), true);
        }
        String m = String.valueOf(e.getMessage());
        // we had accepted the pinned peer's certificate, then the handshake broke: the peer refused ours
        boolean refused = tm.accepted() || m.contains("bad_certificate") || m.contains("certificate_unknown")
                || m.contains("certificate_required") || m.contains("unsupported_certificate");
        return new SecureHandshakeException(refused ? "peer refused our identity: " + m : "TLS handshake failed: " + m,
                e, refused);
    }
}
