package dev.peerlink.exit.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.exit.fake.DirectDialer;
import dev.peerlink.exit.proxy.LocalProxy.Config;
import dev.peerlink.exit.proxy.LocalProxy.Credentials;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Garbage, fuzzed handshakes and oversized requests: every connection ends with the protocol's error, the proxy stays
 * up, and no flow, association or buffer is left behind. Flows that a mutated request still opens are redirected to
 * a local echo server, so nothing leaves this machine.
 */
class HostileInputTest {
    private static final int CASES_PER_KIND = 1500;
    private static final byte[][] HTTP_SEEDS = {
        ascii("GET http://h.example:80/p?q=1 HTTP/1.1\r\nHost: h.example\r\nProxy-Connection: keep-alive\r\n\r\n"),
        ascii("CONNECT h.example:443 HTTP/1.1\r\nHost: h.example:443\r\n\r\nearly tunnel bytes"),
        ascii("POST http://h.example/x HTTP/1.1\r\nHost: h.example\r\nContent-Length: 5\r\n\r\nhello"),
        ascii("POST http://h.example/x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
        ascii("GET / HTTP/1.1\r\nHost: h.example\r\n\r\n"),
    };

    private static Origins origins;
    private DirectDialer dialer;
    private LocalProxy open;
    private LocalProxy authed;

    @BeforeAll
    static void origins() throws IOException {
        origins = new Origins();
    }

    @AfterAll
    static void closeOrigins() throws IOException {
        origins.close();
    }

    @BeforeEach
    void start() throws IOException {
        dialer = new DirectDialer().redirectTo(origins.echoAddress());
        open = LocalProxy.start(Config.loopbackSocks(0).withLoopbackHttp(0), dialer);
        authed = LocalProxy.start(Config.loopbackSocks(0).withLoopbackHttp(0).withCredentials(new Credentials("u", "p")), dialer);
    }

    @AfterEach
    void stop() {
        open.close();
        authed.close();
    }

    @Test
    void fuzzedSocksAndHttpInputEndsEveryConnectionAndLeaksNothing() throws Exception {
        Random rnd = new Random(20260910L);
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < CASES_PER_KIND; i++) {
            LocalProxy target = i % 2 == 0 ? open : authed;
            cases.add(new Case(target.socksAddress(), socksCase(rnd, target == authed)));
            cases.add(new Case(target.httpAddress(), httpCase(rnd)));
        }
        AtomicInteger answered = new AtomicInteger();
        List<String> hung = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(16, Thread.ofVirtual().factory())) {
            List<Future<String>> results = new ArrayList<>();
            for (Case c : cases) {
                results.add(pool.submit(() -> exchange(c, answered)));
            }
            for (Future<String> f : results) {
                String problem = f.get();
                if (problem != null) {
                    hung.add(problem);
                }
            }
        }

        assertThat(hung).as("connections the proxy left open").isEmpty();
        for (LocalProxy p : List.of(open, authed)) {
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                ProxyStats s = p.stats();
                assertThat(s.openConnections()).isZero();
                assertThat(s.openFlows()).isZero();
                assertThat(s.openUdpAssociations()).isZero();
                assertThat(s.bufferedBytes()).isZero();
            });
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> dialer.openFlows() == 0 && dialer.openAssociations() == 0);
        assertThat(answered.get()).as("cases the proxy answered before closing").isGreaterThan(cases.size() / 4);
        assertThat(open.stats().flowsOpened()).as("mutants that were still valid requests").isPositive();
        // and the proxy still serves
        try (Socket s = SocksTestClient.connect(open.socksAddress(), "localhost", origins.echoAddress().getPort())) {
            s.getOutputStream().write('k');
            assertThat(s.getInputStream().read()).isEqualTo('k');
        }
    }

    @Test
    void anOversizedHeaderBlockGets431() throws Exception {
        String head = "GET http://localhost:1/ HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n";
        assertThat(httpAnswer(ascii(head))).startsWith("HTTP/1.1 431 ");
        assertThat(dialer.dials()).isEmpty();
    }

    @Test
    void anOversizedRequestLineGets414() throws Exception {
        String head = "GET http://localhost:1/" + "p".repeat(20_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
        assertThat(httpAnswer(ascii(head))).startsWith("HTTP/1.1 414 ");
        assertThat(dialer.dials()).isEmpty();
    }

    @Test
    void garbageOriginFormAndPortlessConnectGet400() throws Exception {
        assertThat(httpAnswer(new byte[] {0, 1, 2, 3, '\r', '\n', '\r', '\n'})).startsWith("HTTP/1.1 400 ");
        assertThat(httpAnswer(ascii("GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n"))).startsWith("HTTP/1.1 400 ");
        assertThat(httpAnswer(ascii("CONNECT h.example HTTP/1.1\r\n\r\n"))).startsWith("HTTP/1.1 400 ");
        assertThat(httpAnswer(ascii("GET https://h.example/ HTTP/1.1\r\n\r\n"))).startsWith("HTTP/1.1 400 ");
        assertThat(dialer.dials()).isEmpty();
    }

    @Test
    void aWrongSocksVersionIsClosed() throws Exception {
        try (Socket s = SocksTestClient.open(open.socksAddress())) {
            s.getOutputStream().write(new byte[] {(byte) 0x47, 'E', 'T', ' '}); // someone speaking HTTP to the SOCKS port
            assertThat(SocksTestClient.readToEnd(s)).isEmpty();
        }
    }

    private String httpAnswer(byte[] request) throws IOException {
        try (Socket s = SocksTestClient.open(open.httpAddress())) {
            s.getOutputStream().write(request);
            return new String(SocksTestClient.readToEnd(s), StandardCharsets.ISO_8859_1);
        }
    }

    private record Case(InetSocketAddress to, byte[] bytes) {}

    /** Sends the bytes and EOF, reads to the end; null when the proxy ended the connection, else what hung. */
    private static String exchange(Case c, AtomicInteger answered) {
        try (Socket s = new Socket()) {
            s.connect(c.to(), 2000);
            s.setSoTimeout(4000);
            try {
                s.getOutputStream().write(c.bytes());
                s.shutdownOutput();
            } catch (IOException e) {
                return null; // closed on us mid-write: ended
            }
            try {
                if (s.getInputStream().readAllBytes().length > 0) {
                    answered.incrementAndGet();
                }
            } catch (SocketTimeoutException e) {
                return "no end after " + hex(c.bytes());
            } catch (IOException e) {
                return null; // reset: ended
            }
            return null;
        } catch (IOException e) {
            return "could not connect: " + e;
        }
    }

    private static byte[] socksCase(Random rnd, boolean auth) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        switch (rnd.nextInt(4)) {
            case 0 -> b.writeBytes(random(rnd, rnd.nextInt(64)));
            case 1 -> {
                b.writeBytes(new byte[] {5, 2, 0, 2});
                b.writeBytes(random(rnd, rnd.nextInt(32)));
            }
            default -> {
                b.writeBytes(validSocks(rnd, auth));
                byte[] v = b.toByteArray();
                return rnd.nextBoolean() ? mutate(rnd, v) : Arrays.copyOf(v, rnd.nextInt(v.length + 1));
            }
        }
        return b.toByteArray();
    }

    private static byte[] validSocks(Random rnd, boolean auth) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        if (auth) {
            b.writeBytes(new byte[] {5, 1, 2, 1, 1, 'u', 1, 'p'});
        } else {
            b.writeBytes(new byte[] {5, 1, 0});
        }
        int cmd = 1 + rnd.nextInt(3);
        switch (rnd.nextInt(3)) {
            case 0 -> b.writeBytes(SocksTestClient.requestIpv4(cmd, new byte[] {93, (byte) rnd.nextInt(256), 1, 1}, 1 + rnd.nextInt(65535)));
            case 1 -> b.writeBytes(SocksTestClient.request(cmd, "h" + rnd.nextInt(1000) + ".example", 1 + rnd.nextInt(65535)));
            default -> {
                b.writeBytes(new byte[] {5, (byte) cmd, 0, 4});
                b.writeBytes(random(rnd, 16));
                b.writeBytes(new byte[] {1, (byte) 187});
            }
        }
        b.writeBytes(random(rnd, rnd.nextInt(100))); // tunnel payload
        return b.toByteArray();
    }

    private static byte[] httpCase(Random rnd) {
        if (rnd.nextInt(5) == 0) {
            return random(rnd, rnd.nextInt(200));
        }
        byte[] seed = HTTP_SEEDS[rnd.nextInt(HTTP_SEEDS.length)];
        return rnd.nextBoolean() ? mutate(rnd, seed) : Arrays.copyOf(seed, rnd.nextInt(seed.length + 1));
    }

    /** Flips, replaces or inserts a few bytes. */
    private static byte[] mutate(Random rnd, byte[] in) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int edits = 1 + rnd.nextInt(3);
        int[] at = rnd.ints(edits, 0, Math.max(1, in.length)).sorted().toArray();
        int next = 0;
        for (int i = 0; i < in.length; i++) {
            byte v = in[i];
            while (next < at.length && at[next] == i) {
                switch (rnd.nextInt(3)) {
                    case 0 -> v ^= (byte) (1 << rnd.nextInt(8));
                    case 1 -> v = (byte) rnd.nextInt(256);
                    default -> out.writeBytes(random(rnd, 1 + rnd.nextInt(8)));
                }
                next++;
            }
            out.write(v);
        }
        return out.toByteArray();
    }

    private static byte[] random(Random rnd, int n) {
        byte[] b = new byte[n];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b, 0, Math.min(b.length, 80));
    }
}
