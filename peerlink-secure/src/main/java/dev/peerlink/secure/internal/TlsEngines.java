package dev.peerlink.secure.internal;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.util.ReferenceCountUtil;
import java.security.GeneralSecurityException;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Builds the {@link SSLEngine} of one TLS session on a TCP path: BoringSSL (netty-tcnative) when its native library
 * loads, the JDK's TLS otherwise. Both get the same settings: TLS 1.3 only, our single device certificate, the given
 * trust manager (pinned or unpinned) for the peer's certificate, mutual authentication, ALPN {@value #ALPN}, no
 * hostname check, and a fresh context per session, so there is no session cache and no resumption that would skip
 * the pin check. BoringSSL encrypts several times faster than the JDK's AES-GCM (see docs/secure-transport.md,
 * "Performance").
 */
public final class TlsEngines {
    public static final String ALPN = "peerlink/1";

    /** Which TLS implementation a session uses. */
    public enum Kind { OPENSSL, JDK }

    /** Set to {@code jdk} to force the JDK's TLS (for comparison and as an escape hatch); read per session. */
    public static final String ENGINE_PROPERTY = "peerlink.tls.engine";

    private TlsEngines() {
    }

    /** BoringSSL when available (and not disabled), else the JDK. */
    public static Kind preferred() {
        boolean forceJdk = "jdk".equalsIgnoreCase(System.getProperty(ENGINE_PROPERTY));
        return !forceJdk && OpenSsl.isAvailable() ? Kind.OPENSSL : Kind.JDK;
    }

    /** Why BoringSSL is not used, or null when it is. */
    public static Throwable unavailabilityCause() {
        return OpenSsl.unavailabilityCause();
    }

    public static SSLEngine create(Kind kind, TlsCredentials credentials, X509ExtendedTrustManager tm, boolean client)
            throws SSLException, GeneralSecurityException {
        return kind == Kind.OPENSSL ? openSsl(credentials, tm, client) : jdk(credentials, tm, client);
    }

    private static SSLEngine openSsl(TlsCredentials credentials, X509ExtendedTrustManager tm, boolean client)
            throws SSLException {
        // BoringSSL asks for key types in its own terms ("EC", "RSA"): offer the one key whatever is asked
        SingleKeyManager km = new SingleKeyManager(credentials, true);
        SslContextBuilder b = client ? SslContextBuilder.forClient().keyManager(km) : SslContextBuilder.forServer(km)
                .clientAuth(ClientAuth.REQUIRE);
        SslContext ctx = b.sslProvider(SslProvider.OPENSSL_REFCNT)
                .protocols("TLSv1.3")
                .trustManager(tm)
                .endpointIdentificationAlgorithm(null)
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, ALPN))
                .build();
        try {
            // the engine holds its own reference to the context; EngineSocket.close releases the engine
            return ctx.newEngine(ByteBufAllocator.DEFAULT);
        } finally {
            ReferenceCountUtil.release(ctx);
        }
    }

    private static SSLEngine jdk(TlsCredentials credentials, X509ExtendedTrustManager tm, boolean client)
            throws GeneralSecurityException {
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(new KeyManager[] {new SingleKeyManager(credentials, false)}, new TrustManager[] {tm}, null);
        SSLEngine engine = ctx.createSSLEngine();
        SSLParameters p = engine.getSSLParameters();
        p.setProtocols(new String[] {"TLSv1.3"});
        p.setApplicationProtocols(new String[] {ALPN});
        p.setEndpointIdentificationAlgorithm(null);
        if (!client) {
            p.setNeedClientAuth(true);
        }
        engine.setSSLParameters(p);
        engine.setUseClientMode(client);
        return engine;
    }
}
