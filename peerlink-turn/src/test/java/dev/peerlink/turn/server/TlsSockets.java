package dev.peerlink.turn.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/** TLS client sockets for tests against the server's self-signed certificate (not verified). */
final class TlsSockets {
    private TlsSockets() {}

    static SSLSocket connect(InetSocketAddress server) throws IOException {
        Socket plain = new Socket();
        plain.connect(server, 2000);
        plain.setTcpNoDelay(true);
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new TrustAll()}, null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, server.getHostString(), server.getPort(), true);
            s.setSoTimeout(5000);
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            plain.close();
            throw new IOException(e);
        }
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
