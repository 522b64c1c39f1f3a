package dev.peerlink.transfer;

import dev.peerlink.transfer.internal.S3Client;
import dev.peerlink.transfer.internal.SigV4Signer;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@link BlobStore} on any S3-compatible service (AWS S3, MinIO, Ceph RGW, s3proxy...), path-style
 * ({@code endpoint/bucket/key}). Blob {@code sha256:abcd...} is the object {@code <prefix>ab/cd/abcd...}.
 *
 * <p>A put first spools the stream to a local temp file while hashing and counting, so a wrong or oversized
 * blob is refused before anything reaches S3. A verified blob is uploaded in one PUT whose
 * {@code x-amz-content-sha256} is the blob's own hash, so S3 re-verifies the bytes it receives and refuses
 * the PUT if they changed on the way. A single PUT is atomic (readers see the whole object or none), and since
 * the key is the content hash, concurrent or repeated puts write identical bytes: idempotent.
 */
public final class S3BlobStore implements BlobStore {
    public static final String DEFAULT_REGION = "us-east-1";
    public static final long DEFAULT_MAX_BLOB_SIZE = 64L << 20;
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
    /** Until the response headers arrive, so it covers a whole PUT body: generous for a max-size blob. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);
    private static final String SPOOL_PREFIX = "s3put-";

    /**
     * Where and how to reach the bucket. {@code prefix} is prepended verbatim to every key ("" for none,
     * usually ending in '/'); {@code spoolDir} holds puts being verified (one store per spool directory);
     * {@code createBucket} makes {@link #open} create a missing bucket instead of failing.
     */
    public record Config(URI endpoint, String bucket, String region, String accessKey, String secretKey,
                         String prefix, Path spoolDir, long maxBlobSize, boolean createBucket) {
        public Config {
            if (endpoint == null || !Set.of("http", "https").contains(String.valueOf(endpoint.getScheme()))
                    || endpoint.getHost() == null) {
                throw new IllegalArgumentException("S3 endpoint must be an http(s) URL with a host");
            }
            if (bucket == null || bucket.isBlank() || bucket.contains("/")) {
                throw new IllegalArgumentException("S3 bucket name missing or invalid");
            }
            if (accessKey == null || accessKey.isEmpty() || secretKey == null || secretKey.isEmpty()) {
                throw new IllegalArgumentException("S3 credentials missing (access key and secret key)");
            }
            if (spoolDir == null || maxBlobSize <= 0) {
                throw new IllegalArgumentException("S3 spool directory and a positive max blob size are required");
            }
            region = region == null || region.isEmpty() ? DEFAULT_REGION : region;
            prefix = prefix == null ? "" : prefix;
        }

        public Config(URI endpoint, String bucket, String region, String accessKey, String secretKey,
                      String prefix, Path spoolDir, long maxBlobSize) {
            this(endpoint, bucket, region, accessKey, secretKey, prefix, spoolDir, maxBlobSize, false);
        }

        /** Credentials from the environment ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}); see below. */
        public static Config fromUri(String uri) {
            return fromUri(uri, System.getenv());
        }

        /**
         * Parses {@code s3://bucket[/prefix][?endpoint=URL&region=R&spool=DIR&maxBlobSize=BYTES&create=true]}.
         * The prefix gets a trailing '/'. Without {@code endpoint}: AWS, {@code https://s3.<region>.amazonaws.com}.
         * Credentials: query {@code access}/{@code secret} (meant for tests; a URI is easily logged), else
         * {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY} from {@code env}. Spool default:
         * {@code <java.io.tmpdir>/peerlink-s3-spool}. Error messages never repeat the URI (it may hold a secret).
         */
        public static Config fromUri(String uri, Map<String, String> env) {
            URI u;
            try {
                u = new URI(uri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a valid s3:// URI"); // no echo: it may hold the secret
            }
            if (!"s3".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException("want s3://bucket/prefix?endpoint=...");
            }
            Map<String, String> q = query(u.getRawQuery());
            Set<String> known = Set.of("endpoint", "region", "access", "secret", "spool", "maxBlobSize", "create");
            for (String k : q.keySet()) {
                if (!known.contains(k)) {
                    throw new IllegalArgumentException("unknown s3 URI parameter '" + k + "' (known: " + known + ")");
                }
            }
            String region = q.getOrDefault("region", DEFAULT_REGION);
            URI endpoint = URI.create(q.getOrDefault("endpoint", "https://s3." + region + ".amazonaws.com"));
            String path = u.getPath() == null ? "" : u.getPath().replaceAll("^/+", "");
            String prefix = path.isEmpty() || path.endsWith("/") ? path : path + "/";
            String access = q.getOrDefault("access", env.get("AWS_ACCESS_KEY_ID"));
            String secret = q.getOrDefault("secret", env.get("AWS_SECRET_ACCESS_KEY"));
            if (access == null || secret == null) {
                throw new IllegalArgumentException("S3 credentials missing: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
            }
            Path spool = q.containsKey("spool") ? Path.of(q.get("spool"))
                    : Path.of(System.getProperty("java.io.tmpdir"), "peerlink-s3-spool");
            long max;
            try {
                max = Long.parseLong(q.getOrDefault("maxBlobSize", Long.toString(DEFAULT_MAX_BLOB_SIZE)));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("maxBlobSize must be a number of bytes");
            }
            return new Config(endpoint, u.getHost(), region, access, secret, prefix, spool, max,
                    Boolean.parseBoolean(q.getOrDefault("create", "false")));
        }

        private static Map<String, String> query(String raw) {
            Map<String, String> q = new HashMap<>();
            if (raw != null && !raw.isEmpty()) {
                for (String part : raw.split("&")) {
                    int eq = part.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
                    q.put(k, eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
            return q;
        }

        @Override
        public String toString() { // records print every component: keep the secret out of logs
            return "S3BlobStore.Config[endpoint=" + endpoint + ", bucket=" + bucket + ", region=" + region
                    + ", accessKey=" + accessKey + ", secretKey=***, prefix=" + prefix + ", spoolDir=" + spoolDir
                    + ", maxBlobSize=" + maxBlobSize + ", createBucket=" + createBucket + "]";
        }
    }

    private final Config config;
    private final S3Client client;

    private S3BlobStore(Config config, S3Client client) {
        this.config = config;
        this.client = client;
    }

    /** Checks that the bucket is reachable with these credentials (creating it if asked); cleans the spool. */
    public static S3BlobStore open(Config config) throws IOException {
        Files.createDirectories(config.spoolDir());
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(config.spoolDir(), SPOOL_PREFIX + "*.part")) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        }
        SigV4Signer signer = new SigV4Signer(config.accessKey(), config.secretKey(), config.region(), "s3");
        S3BlobStore s = new S3BlobStore(config, new S3Client(config.endpoint(), signer, CONNECT_TIMEOUT, REQUEST_TIMEOUT));
        s.checkBucket();
        return s;
    }

    public Config config() {
        return config;
    }

    /** The object key of a blob: {@code <prefix>ab/cd/<hex>}. */
    public String keyOf(ContentId id) {
        String hex = id.hex();
        return config.prefix() + hex.substring(0, 2) + "/" + hex.substring(2, 4) + "/" + hex;
    }

    private void checkBucket() throws IOException {
        String where = "S3 bucket '" + config.bucket() + "' at " + client.endpoint();
        URI bucket = client.uri(config.bucket(), null, null);
        HttpResponse<InputStream> r = client.send("HEAD", bucket, Map.of());
        S3Client.discard(r);
        if (ok(r)) {
            return;
        }
        if (r.statusCode() == 404 && config.createBucket()) {
            createBucket(bucket, where);
            return;
        }
        if (r.statusCode() == 404) {
            throw new IOException(where + " does not exist (create it, or pass create=true)");
        }
        // HEAD responses carry no error document: ask again with a GET to learn S3's error code.
        HttpResponse<InputStream> why = client.send("GET", client.uri(config.bucket(), null, "location"), Map.of());
        if (ok(why)) {
            S3Client.discard(why);
            throw new IOException(where + " is not accessible: HTTP " + r.statusCode());
        }
        throw S3Client.failure(where + " is not accessible (check the access key, secret key and region)", why);
    }

    private void createBucket(URI bucket, String where) throws IOException {
        // us-east-1 is the default location; every other region must be named in the body.
        byte[] body = DEFAULT_REGION.equals(config.region()) ? new byte[0]
                : ("<CreateBucketConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><LocationConstraint>"
                        + config.region() + "</LocationConstraint></CreateBucketConfiguration>").getBytes(StandardCharsets.UTF_8);
        HttpResponse<InputStream> r = client.send("PUT", bucket, Map.of(),
                body.length == 0 ? null : HttpRequest.BodyPublishers.ofByteArray(body), SigV4Signer.sha256Hex(body));
        if (!ok(r)) {
            throw S3Client.failure("creating " + where, r);
        }
        S3Client.discard(r);
    }

    @Override
    public PutOutcome put(ContentId expected, InputStream data, long maxSize) throws IOException, BlobRejectedException {
        long limit = Math.min(maxSize, config.maxBlobSize());
        Path temp = Files.createTempFile(config.spoolDir(), SPOOL_PREFIX, ".part");
        try {
            spool(expected, data, limit, temp);
            URI uri = objectUri(expected);
            if (head(uri) >= 0) {
                return PutOutcome.ALREADY_PRESENT;
            }
            HttpResponse<InputStream> r = client.send("PUT", uri, Map.of(), HttpRequest.BodyPublishers.ofFile(temp), expected.hex());
            if (!ok(r)) {
                throw S3Client.failure("S3 PUT of " + expected, r);
            }
            S3Client.discard(r);
            return PutOutcome.STORED;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Copies the stream into {@code temp}, refusing it (nothing uploaded yet) when too long or of another hash. */
    private static void spool(ContentId expected, InputStream data, long limit, Path temp)
            throws IOException, BlobRejectedException {
        MessageDigest md = Sha256.newDigest();
        long total = 0;
        try (OutputStream out = Files.newOutputStream(temp)) {
            byte[] buf = new byte[64 * 1024];
            int n;
            while ((n = data.read(buf)) > 0) {
                total += n;
                if (total > limit) {
                    throw new BlobRejectedException(BlobRejectedException.Reason.TOO_LARGE, "blob exceeds " + limit + " bytes");
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
            }
        }
        if (!expected.matches(md.digest())) {
            throw new BlobRejectedException(BlobRejectedException.Reason.HASH_MISMATCH, "content does not hash to " + expected);
        }
    }

    @Override
    public boolean contains(ContentId id) throws IOException {
        return head(objectUri(id)) >= 0;
    }

    @Override
    public long size(ContentId id) throws IOException {
        return head(objectUri(id));
    }

    /** Content-Length of the object, or -1 when absent. */
    private long head(URI uri) throws IOException {
        HttpResponse<InputStream> r = client.send("HEAD", uri, Map.of());
        S3Client.discard(r);
        if (r.statusCode() == 404) {
            return -1;
        }
        if (!ok(r)) {
            throw new IOException("S3 HEAD " + uri.getRawPath() + ": HTTP " + r.statusCode());
        }
        return r.headers().firstValueAsLong("Content-Length")
                .orElseThrow(() -> new IOException("S3 HEAD " + uri.getRawPath() + ": no Content-Length"));
    }

    @Override
    public InputStream open(ContentId id) throws IOException {
        HttpResponse<InputStream> r = client.send("GET", objectUri(id), Map.of());
        if (r.statusCode() == 404) {
            S3Client.discard(r);
            throw new NoSuchFileException(id.toString());
        }
        if (!ok(r)) {
            throw S3Client.failure("S3 GET of " + id, r);
        }
        return r.body();
    }

    @Override
    public byte[] read(ContentId id, long offset, int len) throws IOException {
        if (offset < 0 || len < 0) {
            throw new IllegalArgumentException("negative offset or length");
        }
        if (len == 0) { // "bytes=a-(a-1)" is not a valid range
            if (size(id) < 0) {
                throw new NoSuchFileException(id.toString());
            }
            return new byte[0];
        }
        String range = "bytes=" + offset + "-" + (offset + len - 1);
        HttpResponse<InputStream> r = client.send("GET", objectUri(id), Map.of("range", range));
        String shortRead = "blob " + id + " shorter than " + (offset + len);
        if (r.statusCode() == 404) {
            S3Client.discard(r);
            throw new NoSuchFileException(id.toString());
        }
        if (r.statusCode() == 416) { // the range starts past the end
            S3Client.discard(r);
            throw new EOFException(shortRead);
        }
        if (!ok(r)) {
            throw S3Client.failure("S3 ranged GET of " + id, r);
        }
        try (InputStream in = r.body()) {
            if (r.statusCode() == 200) { // a server that ignores Range sends the whole object
                in.skipNBytes(offset);
            }
            byte[] out = in.readNBytes(len);
            if (out.length < len) {
                throw new EOFException(shortRead);
            }
            return out;
        } catch (EOFException e) {
            throw new EOFException(shortRead);
        }
    }

    @Override
    public boolean delete(ContentId id) throws IOException {
        URI uri = objectUri(id);
        if (head(uri) < 0) { // S3 answers 204 to deleting a missing key: ask first
            return false;
        }
        HttpResponse<InputStream> r = client.send("DELETE", uri, Map.of());
        if (!ok(r)) {
            throw S3Client.failure("S3 DELETE of " + id, r);
        }
        S3Client.discard(r);
        return true;
    }

    private URI objectUri(ContentId id) {
        return client.uri(config.bucket(), keyOf(id), null);
    }

    private static boolean ok(HttpResponse<?> r) {
        return r.statusCode() / 100 == 2;
    }
}
