package dev.peerlink.transfer;

import java.net.URI;
import java.util.List;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;

/**
 * A real S3 API server for tests: s3proxy in-process on 127.0.0.1 (random port), in-memory backend, AWS
 * Signature V2/V4 authentication on. The backend handle lets tests look at what is stored without going
 * through the client under test.
 */
final class S3ProxyServer {
    static final String ACCESS = "peerlink-test-access";
    static final String SECRET = "peerlink-test-secret/Do+Not=Log";

    private final BlobStore backend;
    private final S3Proxy proxy;

    private S3ProxyServer(BlobStore backend, S3Proxy proxy) {
        this.backend = backend;
        this.proxy = proxy;
    }

    static S3ProxyServer start() throws Exception {
        BlobStore backend = new TransientNio2BlobStore();
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(backend)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS, SECRET)
                .build();
        proxy.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!"STARTED".equals(proxy.getState())) {
            if (System.nanoTime() > deadline) {
                proxy.stop();
                throw new IllegalStateException("s3proxy did not start: " + proxy.getState());
            }
            Thread.sleep(10);
        }
        return new S3ProxyServer(backend, proxy);
    }

    URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    List<String> keys(String bucket) {
        return backend.list(bucket).contents().stream().map(o -> o.key()).toList();
    }

    boolean bucketExists(String bucket) {
        return backend.containerExists(bucket);
    }

    void stop() throws Exception {
        proxy.stop();
    }
}
