package dev.peerlink.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.transfer.internal.S3Client;
import dev.peerlink.transfer.internal.SigV4Signer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link S3BlobStore} against a real S3 API server (s3proxy, in-process, SigV4 auth on). Every test gets its
 * own bucket. If the server cannot start here, every test is skipped with the reason printed, never passed.
 */
class S3BlobStoreTest extends BlobStoreContract {
    private static final AtomicInteger BUCKETS = new AtomicInteger();
    private static S3ProxyServer server;
    private static String unavailable;

    private String bucket;

    @BeforeAll
    static void startServer() {
        try {
            server = S3ProxyServer.start();
        } catch (Throwable e) { // a missing class or a Jetty failure alike: skip loudly
            unavailable = "S3BlobStoreTest SKIPPED: could not start s3proxy: " + e;
            System.out.println(unavailable);
        }
    }

    /** Per test rather than in {@code @BeforeAll}, so that the runner counts every test as skipped. */
    @BeforeEach
    void requireServer() {
        Assumptions.assumeTrue(server != null, () -> unavailable);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.stop();
        }
    }

    S3BlobStore.Config config(String bucket, String prefix, boolean create) {
        return new S3BlobStore.Config(server.endpoint(), bucket, "us-east-1", S3ProxyServer.ACCESS, S3ProxyServer.SECRET,
                prefix, dir.resolve("spool"), MAX_BLOB, create);
    }

    @Override
    BlobStore store() throws Exception {
        bucket = "blobs-" + BUCKETS.incrementAndGet();
        return S3BlobStore.open(config(bucket, "peerlink/", true));
    }

    @Override
    List<String> storedObjects() {
        return server.keys(bucket);
    }

    @Test
    void keyLayoutIsPrefixAndTwoLevelFanOut() throws Exception {
        S3BlobStore s = (S3BlobStore) store();
        byte[] data = random(10, 5000);
        ContentId id = ContentId.of(data);
        s.put(id, new ByteArrayInputStream(data), Long.MAX_VALUE);
        String hex = id.hex();
        assertThat(server.keys(bucket)).containsExactly("peerlink/" + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex);
        assertThat(s.keyOf(id)).isEqualTo(server.keys(bucket).get(0));
    }

    @Test
    void spoolIsEmptyAfterPutsAndRefusals() throws Exception {
        BlobStore s = store();
        byte[] data = random(11, 20_000);
        s.put(ContentId.of(data), new ByteArrayInputStream(data), Long.MAX_VALUE);
        assertThatThrownBy(() -> s.put(ContentId.of(new byte[1]), new ByteArrayInputStream(data), Long.MAX_VALUE))
                .isInstanceOf(BlobRejectedException.class);
        try (var files = java.nio.file.Files.list(dir.resolve("spool"))) {
            assertThat(files.toList()).isEmpty();
        }
    }

    @Test
    void theServerRefusesABodyThatDoesNotMatchItsSignedHash() throws Exception {
        // Second line of defence: the PUT carries the blob hash as x-amz-content-sha256, which S3 verifies.
        store();
        S3Client client = new S3Client(server.endpoint(),
                new SigV4Signer(S3ProxyServer.ACCESS, S3ProxyServer.SECRET, "us-east-1", "s3"), Duration.ofSeconds(10), Duration.ofSeconds(10));
        byte[] good = random(12, 1000);
        byte[] bad = good.clone();
        bad[0] ^= 1;
        URI uri = client.uri(bucket, "peerlink/tampered", null);
        HttpResponse<InputStream> r = client.send("PUT", uri, Map.of(), HttpRequest.BodyPublishers.ofByteArray(bad),
                ContentId.of(good).hex());
        S3Client.discard(r);
        assertThat(r.statusCode()).isGreaterThanOrEqualTo(400);
        assertThat(server.keys(bucket)).isEmpty();
    }

    @Test
    void badCredentialsFailAtOpenWithAClearMessageAndNoSecret() throws Exception {
        store(); // the bucket exists; only the key is wrong
        String wrongSecret = "wrong-secret-value-123";
        S3BlobStore.Config bad = new S3BlobStore.Config(server.endpoint(), bucket, "us-east-1", S3ProxyServer.ACCESS,
                wrongSecret, "", dir.resolve("spool"), MAX_BLOB);
        assertThatThrownBy(() -> S3BlobStore.open(bad))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(bucket)
                .hasMessageContaining("403")
                .hasMessageContaining("SignatureDoesNotMatch")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(wrongSecret));
        S3BlobStore.Config unknown = new S3BlobStore.Config(server.endpoint(), bucket, "us-east-1", "nobody",
                S3ProxyServer.SECRET, "", dir.resolve("spool"), MAX_BLOB);
        assertThatThrownBy(() -> S3BlobStore.open(unknown))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("InvalidAccessKeyId")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(S3ProxyServer.SECRET));
    }

    @Test
    void missingBucketIsAnErrorUnlessAskedToCreateIt() throws Exception {
        assertThatThrownBy(() -> S3BlobStore.open(config("absent-bucket", "", false)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("absent-bucket")
                .hasMessageContaining("does not exist");
        assertThat(server.bucketExists("absent-bucket")).isFalse();
        S3BlobStore.open(config("created-bucket", "", true));
        assertThat(server.bucketExists("created-bucket")).isTrue();
        S3BlobStore.open(config("created-bucket", "", false)); // now it is there
    }

    @Test
    void configFromUri() throws Exception {
        S3BlobStore.Config c = S3BlobStore.Config.fromUri("s3://media/peer/blobs?endpoint=" + server.endpoint()
                + "&region=eu-west-3&spool=" + dir.resolve("sp") + "&maxBlobSize=1000&create=true",
                Map.of("AWS_ACCESS_KEY_ID", "AK", "AWS_SECRET_ACCESS_KEY", "SK"));
        assertThat(c.endpoint()).isEqualTo(server.endpoint());
        assertThat(c.bucket()).isEqualTo("media");
        assertThat(c.prefix()).isEqualTo("peer/blobs/");
        assertThat(c.region()).isEqualTo("eu-west-3");
        assertThat(c.accessKey()).isEqualTo("AK");
        assertThat(c.secretKey()).isEqualTo("SK");
        assertThat(c.spoolDir()).isEqualTo(dir.resolve("sp"));
        assertThat(c.maxBlobSize()).isEqualTo(1000);
        assertThat(c.createBucket()).isTrue();
        assertThat(c.toString()).doesNotContain("SK");

        S3BlobStore.Config d = S3BlobStore.Config.fromUri("s3://b?access=A&secret=S%2Fx", Map.of());
        assertThat(d.prefix()).isEmpty();
        assertThat(d.region()).isEqualTo("us-east-1");
        assertThat(d.endpoint()).isEqualTo(URI.create("https://s3.us-east-1.amazonaws.com"));
        assertThat(d.secretKey()).isEqualTo("S/x");
        assertThat(d.createBucket()).isFalse();

        assertThatThrownBy(() -> S3BlobStore.Config.fromUri("s3://b", Map.of()))
                .hasMessageContaining("AWS_ACCESS_KEY_ID");
        assertThatThrownBy(() -> S3BlobStore.Config.fromUri("s3://b?access=A&secret=TOPSECRET&regoin=x", Map.of()))
                .hasMessageContaining("regoin")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("TOPSECRET"));

        // and a store opened from a URI works end to end
        S3BlobStore s = S3BlobStore.open(S3BlobStore.Config.fromUri("s3://from-uri/x?endpoint=" + server.endpoint()
                + "&create=true&spool=" + dir.resolve("sp2"),
                Map.of("AWS_ACCESS_KEY_ID", S3ProxyServer.ACCESS, "AWS_SECRET_ACCESS_KEY", S3ProxyServer.SECRET)));
        byte[] data = random(13, 100);
        assertThat(s.put(ContentId.of(data), new ByteArrayInputStream(data), 100)).isEqualTo(BlobStore.PutOutcome.STORED);
        assertThat(server.keys("from-uri")).singleElement().asString().startsWith("x/");
    }
}
