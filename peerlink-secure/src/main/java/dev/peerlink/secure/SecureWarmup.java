package dev.peerlink.secure;

import dev.peerlink.secure.internal.TlsCredentials;
import dev.peerlink.secure.internal.TlsEngines;
import java.security.GeneralSecurityException;
import javax.net.ssl.SSLContext;

/**
 * Does the one-time work of the first handshake ahead of time: builds the device certificate (kept for the process),
 * loads the QUIC native library and the TCP paths' TLS engine (BoringSSL: loading it costs about a second of CPU in a
 * fresh JVM; else the JDK's TLS 1.3 provider). A device calls it when it starts, so its first connection's setup time
 * is network time, not class loading and key generation.
 */
public final class SecureWarmup {
    private SecureWarmup() {}

    public static void warmUp(DeviceIdentity self) {
        TlsCredentials.create(self);
        io.netty.handler.codec.quic.Quic.isAvailable();
        if (TlsEngines.preferred() == TlsEngines.Kind.OPENSSL) {
            return;
        }
        try {
            SSLContext.getInstance("TLSv1.3").init(null, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no TLS 1.3 in this JDK", e);
        }
    }
}
