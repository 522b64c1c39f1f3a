package dev.peerlink.secure.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.secure.DeviceIdentity;
import dev.peerlink.secure.internal.TlsEngines.Kind;
import io.netty.handler.ssl.OpenSsl;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** TLS through {@link EngineSocket} with each engine, mixed, and the pin check with BoringSSL. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EngineSocketTest {
    static final DeviceIdentity ALICE = DeviceIdentity.generate();
    static final DeviceIdentity BOB = DeviceIdentity.generate();
    static final DeviceIdentity MALLORY = DeviceIdentity.generate();

    @BeforeAll
    static void boringSslLoads() {
        String platform = System.getProperty("os.name") + "/" + System.getProperty("os.arch");
        if (!platform.equals("Linux/amd64")) {
            System.out.println("EngineSocketTest: skipped, BoringSSL is only shipped for linux-x86_64, not " + platform);
        }
        Assumptions.assumeTrue(platform.equals("Linux/amd64"), "BoringSSL is only shipped for linux-x86_64");
        assertThat(OpenSsl.isAvailable()).as("BoringSSL loads: %s", OpenSsl.unavailabilityCause()).isTrue();
    }

    @Test
    void boringSslIsPreferredUnlessTheJdkIsForced() {
        assertThat(TlsEngines.preferred()).isEqualTo(Kind.OPENSSL);
        System.setProperty(TlsEngines.ENGINE_PROPERTY, "jdk");
        try {
            assertThat(TlsEngines.preferred()).isEqualTo(Kind.JDK);
        } finally {
            System.clearProperty(TlsEngines.ENGINE_PROPERTY);
        }
    }

    @ParameterizedTest(name = "client {0}, server {1}")
    @CsvSource({"OPENSSL,OPENSSL", "OPENSSL,JDK", "JDK,OPENSSL", "JDK,JDK"})
    void enginesInteroperateAndCarryBytesIntact(Kind clientKind, Kind serverKind) throws Exception {
        byte[] data = new byte[3 * 1024 * 1024 + 123];
        new Random(7).nextBytes(data);
        try (Pair p = handshake(clientKind, ALICE, BOB, serverKind, BOB, ALICE)) {
            assertThat(p.client.engine().getSession().getProtocol()).isEqualTo("TLSv1.3");
            assertThat(p.client.engine().getApplicationProtocol()).isEqualTo(TlsEngines.ALPN);
            CompletableFuture<byte[]> got = CompletableFuture.supplyAsync(() -> readAll(p.server.input(), data.length));
            p.client.output().write(data, 0, 1000); // small and large writes
            p.client.output().write(data, 1000, data.length - 1000);
            assertThat(Arrays.equals(got.get(30, TimeUnit.SECONDS), data)).isTrue();
        }
    }

    @Test
    void boringSslClientRefusesAServerThatIsNotThePinnedPeer() throws Exception {
        PinnedTrustManager clientPins = new PinnedTrustManager(BOB.publicIdentity());
        Attempt a = start(Kind.OPENSSL, ALICE, clientPins, Kind.OPENSSL, MALLORY,
                new PinnedTrustManager(ALICE.publicIdentity()));
        assertThatThrownBy(() -> a.client.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(clientPins.lastFailure()).isNotNull();
        assertThat(clientPins.accepted()).isFalse();
        a.closeAll();
    }

    @Test
    void boringSslServerRefusesAClientThatIsNotThePinnedPeer() throws Exception {
        PinnedTrustManager serverPins = new PinnedTrustManager(ALICE.publicIdentity());
        Attempt a = start(Kind.OPENSSL, MALLORY, new PinnedTrustManager(BOB.publicIdentity()), Kind.OPENSSL, BOB,
                serverPins);
        assertThatThrownBy(() -> a.server.get(20, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
        assertThat(serverPins.lastFailure()).isNotNull();
        assertThat(serverPins.accepted()).isFalse();
        a.closeAll();
    }

    record Pair(EngineSocket client, EngineSocket server) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            client.close();
            server.close();
        }
    }

    record Attempt(CompletableFuture<EngineSocket> client, CompletableFuture<EngineSocket> server) {
        void closeAll() {
            for (CompletableFuture<EngineSocket> f : java.util.List.of(client, server)) {
                f.thenAccept(s -> {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // test cleanup
                    }
                });
            }
        }
    }

    static Pair handshake(Kind ck, DeviceIdentity c, DeviceIdentity cPins, Kind sk, DeviceIdentity s,
                          DeviceIdentity sPins) throws Exception {
        Attempt a = start(ck, c, new PinnedTrustManager(cPins.publicIdentity()), sk, s,
                new PinnedTrustManager(sPins.publicIdentity()));
        return new Pair(a.client.get(20, TimeUnit.SECONDS), a.server.get(20, TimeUnit.SECONDS));
    }

    static Attempt start(Kind ck, DeviceIdentity c, PinnedTrustManager ctm, Kind sk, DeviceIdentity s,
                         PinnedTrustManager stm) throws Exception {
        ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        CompletableFuture<EngineSocket> server = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try (listener) {
                server.complete(open(listener.accept(), sk, s, stm, false));
            } catch (Throwable e) {
                server.completeExceptionally(e);
            }
        });
        CompletableFuture<EngineSocket> client = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                client.complete(open(new Socket(listener.getInetAddress(), listener.getLocalPort()), ck, c, ctm, true));
            } catch (Throwable e) {
                client.completeExceptionally(e);
            }
        });
        return new Attempt(client, server);
    }

    static EngineSocket open(Socket socket, Kind kind, DeviceIdentity self, PinnedTrustManager tm, boolean client)
            throws Exception {
        socket.setSoTimeout(10_000);
        SSLEngine engine = TlsEngines.create(kind, TlsCredentials.create(self), tm, client);
        assertThat(engine.getClass().getName().contains("OpenSsl")).isEqualTo(kind == Kind.OPENSSL);
        EngineSocket es = new EngineSocket(socket, engine, null);
        try {
            es.handshake();
        } catch (IOException e) {
            es.close();
            throw e;
        }
        return es;
    }

    static byte[] readAll(InputStream in, int n) {
        byte[] b = new byte[n];
        int off = 0;
        try {
            while (off < n) {
                int k = in.read(b, off, Math.min(n - off, off % 2 == 0 ? 100_000 : 700)); // direct and buffered reads
                if (k < 0) {
                    break;
                }
                off += k;
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return Arrays.copyOf(b, off);
    }
}
