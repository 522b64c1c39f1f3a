package dev.peerlink.secure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Builds a session pair on loopback over one transport, directly or through a {@link LoopbackProxy}. */
interface Harness extends AutoCloseable {

    /** Both sessions, and the proxy when asked for. */
    record Pair(SecureSession client, SecureSession server, LoopbackProxy proxy) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            client.close();
            server.close();
            if (proxy != null) {
                proxy.close();
            }
        }
    }

    /** Starts the client's connect and the server's accept; each future completes or fails on its own. */
    record Attempt(CompletableFuture<SecureSession> client, CompletableFuture<SecureSession> server, LoopbackProxy proxy) {
    }

    Attempt start(DeviceIdentity client, PeerIdentity clientPins, DeviceIdentity server, PeerIdentity serverPins,
                  SessionConfig config, boolean viaProxy) throws IOException;

    default Pair pair(DeviceIdentity a, DeviceIdentity b, SessionConfig config, boolean viaProxy) throws Exception {
        Attempt at = start(a, b.publicIdentity(), b, a.publicIdentity(), config, viaProxy);
        return new Pair(at.client().get(20, TimeUnit.SECONDS), at.server().get(20, TimeUnit.SECONDS), at.proxy());
    }

    @Override
    default void close() {
    }

    static InetSocketAddress loopback0() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    final class Quic implements Harness {
        private final QuicTransport transport = new QuicTransport(2);

        @Override
        public Attempt start(DeviceIdentity client, PeerIdentity clientPins, DeviceIdentity server, PeerIdentity serverPins,
                             SessionConfig config, boolean viaProxy) throws IOException {
            DatagramChannel cs = DatagramChannel.open().bind(loopback0());
            DatagramChannel ss = DatagramChannel.open().bind(loopback0());
            for (DatagramChannel c : new DatagramChannel[] {cs, ss}) {
                c.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
                c.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            }
            InetSocketAddress serverAddr = (InetSocketAddress) ss.getLocalAddress();
            LoopbackProxy proxy = viaProxy ? new LoopbackProxy.Udp(serverAddr) : null;
            CompletableFuture<SecureSession> s = transport.accept(ss, server, serverPins, config);
            CompletableFuture<SecureSession> c = transport.connect(cs, proxy != null ? proxy.address() : serverAddr,
                    client, clientPins, config);
            return new Attempt(c, s, proxy);
        }

        @Override
        public void close() {
            transport.close();
        }
    }

    final class Tls implements Harness {
        @Override
        public Attempt start(DeviceIdentity client, PeerIdentity clientPins, DeviceIdentity server, PeerIdentity serverPins,
                             SessionConfig config, boolean viaProxy) throws IOException {
            ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
            InetSocketAddress serverAddr = (InetSocketAddress) listener.getLocalSocketAddress();
            LoopbackProxy proxy = viaProxy ? new LoopbackProxy.Tcp(serverAddr) : null;
            CompletableFuture<SecureSession> s = new CompletableFuture<>();
            CompletableFuture<SecureSession> c = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (listener) {
                    Socket sock = listener.accept();
                    s.complete(TlsTransport.accept(sock, server, serverPins, config));
                } catch (Throwable e) {
                    s.completeExceptionally(e);
                }
            });
            InetSocketAddress to = proxy != null ? proxy.address() : serverAddr;
            Thread.ofVirtual().start(() -> {
                try {
                    c.complete(TlsTransport.connect(new Socket(to.getAddress(), to.getPort()), client, clientPins, config));
                } catch (Throwable e) {
                    c.completeExceptionally(e);
                }
            });
            return new Attempt(c, s, proxy);
        }
    }

    static Throwable failureOf(CompletableFuture<?> f) throws InterruptedException {
        try {
            f.get(20, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause();
        } catch (java.util.concurrent.TimeoutException e) {
            return e;
        }
    }
}
