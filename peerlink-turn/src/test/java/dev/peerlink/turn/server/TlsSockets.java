package dev.peerlink.turn.server;

import dev.peerlink.turn.client.fixture.TrustAllTls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/** TLS client sockets for tests against the server's self-signed certificate (not verified). */
final class TlsSockets {
    private TlsSockets() {}

    static SSLSocket connect(InetSocketAddress server) throws IOException {
        Socket plain = new Socket();
        plain.connect(server, 2000);
        plain.setTcpNoDelay(true);
        try {
            SSLContext ctx = TrustAllTls.context();
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, server.getHostString(), server.getPort(), true);
            s.setSoTimeout(5000);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            plain.close();
            throw e;
        }
    }
}
