package dev.peerlink.cast.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.peerlink.rtmp.flv.FlvReader;
import dev.peerlink.rtmp.flv.FlvTag;
import dev.peerlink.rtmp.flv.FlvWriter;
import io.netty.buffer.Unpooled;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CastWebServerTest {
    private final SimpleTagFeed feed = new SimpleTagFeed();
    private final CastStatus status = new CastStatus();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private CastWebServer server;

    @BeforeEach
    void start() throws Exception {
        server = CastWebServer.start(0, feed, status);
    }

    @AfterEach
    void stop() {
        server.close();
        http.shutdownNow(); // close() would wait for open event streams
    }

    private HttpResponse<byte[]> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url()).resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    @Test
    void bindsLoopbackOnAnEphemeralPortAndServesThePageWithItsScript() throws Exception {
        assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(server.address().getPort()).isPositive();

        HttpResponse<byte[]> page = get("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("content-type")).hasValue("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy")).get().asString().contains("script-src 'self'");
        assertThat(new String(page.body(), StandardCharsets.UTF_8)).contains("<script src=\"/player.js\"></script>");

        HttpResponse<byte[]> js = get("/player.js");
        assertThat(js.statusCode()).isEqualTo(200);
        assertThat(js.headers().firstValue("content-type")).hasValue("text/javascript; charset=utf-8");
        assertThat(new String(js.body(), StandardCharsets.UTF_8)).contains("new VideoDecoder(");
        assertThat(get("/player.css").statusCode()).isEqualTo(200);
    }

    @Test
    void refusesUnknownPathsOtherMethodsAndForeignHosts() throws Exception {
        assertThat(get("/nope").statusCode()).isEqualTo(404);
        assertThat(get("/../etc/passwd").statusCode()).isEqualTo(404);

        HttpResponse<byte[]> post = http.send(HttpRequest.newBuilder(URI.create(server.url() + "status"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");

        InetSocketAddress a = server.address();
        String rebound = RawHttp.exchange(a, "GET /status HTTP/1.1\r\nHost: attacker.example:" + a.getPort() + "\r\n\r\n");
        assertThat(RawHttp.status(rebound)).isEqualTo(421);
        assertThat(rebound).doesNotContain("\"state\"");
        String noHost = RawHttp.exchange(a, "GET /status HTTP/1.0\r\n\r\n");
        assertThat(RawHttp.status(noHost)).isEqualTo(421);
        String tunnelled = RawHttp.exchange(a, "GET /status HTTP/1.1\r\nHost: localhost:1\r\nConnection: close\r\n\r\n");
        assertThat(RawHttp.status(tunnelled)).isEqualTo(200);
    }

    @Test
    void limitsRequestSize() throws Exception {
        InetSocketAddress a = server.address();
        String longUri = RawHttp.exchange(a, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        assertThat(RawHttp.status(longUri)).isEqualTo(414);
        String bigHeader = RawHttp.exchange(a, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(10_000) + "\r\n\r\n");
        assertThat(RawHttp.status(bigHeader)).isEqualTo(431);
        // refused before the body is read; the aggregator then discards what comes (idle connections close after 30 s)
        assertThat(RawHttp.statusOnly(a, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100000\r\n\r\n")).isEqualTo(413);
    }

    @Test
    void qrPngComesFromTheSupplierAnd404WithoutOne() throws Exception {
        assertThat(get("/qr.png").statusCode()).isEqualTo(404);
        byte[] png = {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3};
        status.qrPng(() -> png);
        HttpResponse<byte[]> r = get("/qr.png?for=abc");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("image/png");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.body()).isEqualTo(png);
    }

    @Test
    void statusReportsStateCodePathVideoFramesAndViewers() throws Exception {
        status.pairing("PL-7Q4M-XK2C");
        String waiting = new String(get("/status").body(), StandardCharsets.UTF_8);
        assertThat(waiting).contains("\"state\":\"waiting\"", "\"pairing\":\"PL-7Q4M-XK2C\"", "\"qr\":false", "\"path\":null");

        status.live("reverse");
        status.video(1280, 720, 30.0);
        status.frameReceived();
        status.frameReceived();
        HttpResponse<byte[]> r = get("/status");
        assertThat(r.headers().firstValue("content-type")).hasValue("application/json");
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).contains("\"state\":\"live\"", "\"path\":\"reverse\"",
                "\"width\":1280", "\"height\":720", "\"fps\":30.0", "\"frames\":2", "\"viewers\":0");
    }

    @Test
    void liveFlvStartsWithTheHeaderAndTheCachedConfigurationThenFramesFromAKeyFrame() throws Exception {
        FlvTag script = Tags.script();
        FlvTag config = Tags.avcConfig();
        feed.publish(script);
        feed.publish(config);
        feed.publish(Tags.key(0, 500));
        feed.publish(Tags.delta(40, 200)); // before the viewer joins: not sent

        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "live.flv")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("video/x-flv");
        assertThat(r.headers().firstValue("cache-control")).hasValue("no-store");
        assertThat(r.headers().firstValue("transfer-encoding")).hasValue("chunked");
        await().atMost(5, TimeUnit.SECONDS).until(() -> status.snapshot().viewers() == 1);

        FlvTag d1 = Tags.delta(80, 200);
        FlvTag k2 = Tags.key(120, 700);
        FlvTag d2 = Tags.delta(160, 300);
        feed.publish(d1);
        feed.publish(k2);
        feed.publish(d2);
        feed.end();

        byte[] body;
        try (InputStream in = r.body()) {
            body = RawHttp.readToEnd(in);
        }
        byte[] expectedStart = concat(FlvWriter.header(false, true), FlvWriter.tag(script), FlvWriter.tag(config));
        assertThat(Arrays.copyOf(body, expectedStart.length)).isEqualTo(expectedStart);

        List<FlvTag> tags = new ArrayList<>();
        new FlvReader().decode(Unpooled.wrappedBuffer(body), tags::add);
        assertThat(tags).extracting(FlvTag::timestamp).containsExactly(0L, 0L, 120L, 160L);
        assertThat(tags.get(2).body()).isEqualTo(k2.body());
        await().atMost(5, TimeUnit.SECONDS).until(() -> status.snapshot().viewers() == 0);
    }

    @Test
    void viewerThatStopsReadingSkipsFramesInsteadOfQueueingThem() throws Exception {
        int frames = 400;
        int frameSize = 100_000;
        long pushed = (long) frames * frameSize;
        try (Socket s = new Socket()) {
            s.setReceiveBufferSize(16 * 1024);
            s.connect(server.address(), 5000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write("GET /live.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            await().atMost(5, TimeUnit.SECONDS).until(() -> feed.subscribers() == 1);

            feed.publish(Tags.avcConfig());
            long start = System.nanoTime();
            for (int i = 0; i < frames; i++) {
                feed.publish(i % 25 == 0 ? Tags.key(i * 40L, frameSize) : Tags.delta(i * 40L, frameSize));
            }
            long publishMs = (System.nanoTime() - start) / 1_000_000;
            feed.end();

            long received = RawHttp.readToEnd(s.getInputStream()).length;
            System.out.printf("slow viewer: pushed %d MB in %d ms, %d frames dropped, %.1f MB reached the client%n",
                    pushed >> 20, publishMs, feed.dropped(), received / 1e6);
            assertThat(feed.dropped()).isGreaterThan(frames / 2);
            // everything queued would be 40 MB; the water mark plus the kernel's socket buffers bound what got through
            assertThat(received).isLessThan(10_000_000L);
        }
    }

    @Test
    void eventsPushTheStatusAtOnceAndOnEveryChange() throws Exception {
        HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(server.url() + "events")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue("text/event-stream; charset=utf-8");
        BlockingQueue<String> data = new LinkedBlockingQueue<>();
        Thread reader = Thread.ofVirtual().start(() -> r.body()
                .filter(l -> l.startsWith("data: ")).forEach(l -> data.add(l.substring(6))));
        try {
            assertThat(data.poll(5, TimeUnit.SECONDS)).contains("\"state\":\"waiting\"");

            status.live("direct");
            assertThat(data.poll(5, TimeUnit.SECONDS)).contains("\"state\":\"live\"", "\"path\":\"direct\"");

            // a viewer joining is a change too
            try (Socket viewer = new Socket()) {
                viewer.connect(server.address(), 5000);
                viewer.getOutputStream().write("GET /live.flv HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(data.poll(5, TimeUnit.SECONDS)).contains("\"viewers\":1");
            }
            assertThat(data.poll(5, TimeUnit.SECONDS)).contains("\"viewers\":0");
        } finally {
            r.body().close();
            reader.interrupt();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int o = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, o, p.length);
            o += p.length;
        }
        return out;
    }
}
