package dev.peerlink.turn.client;

import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS contexts for {@link TurnTransport#TLS}. */
public final class TurnTls {
    private static final SSLContext ANY = create("TLS");

    private TurnTls() {}

    /**
     * Accepts any server certificate, as WebRTC stacks mostly do for {@code turns:}. Fit only where TLS is there
     * to get through networks that pass nothing else: TURN's MESSAGE-INTEGRITY still authenticates the server's
     * answers with the long-term credentials, but the relayed payload must be protected end to end by the caller.
     */
    public static SSLContext anyCertificate() {
        return ANY;
    }

    /** As {@link #anyCertificate()}, for DTLS 1.2 ({@code turns:} over UDP, RFC 7350). */
    public static SSLContext anyCertificateDtls() {
        return create("DTLSv1.2");
    }

    private static SSLContext create(String protocol) {
        try {
            SSLContext ctx = SSLContext.getInstance(protocol);
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {}

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
