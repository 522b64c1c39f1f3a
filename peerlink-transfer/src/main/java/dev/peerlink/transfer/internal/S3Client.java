package dev.peerlink.transfer.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal S3 REST client: builds path-style URLs ({@code endpoint/bucket/key}), signs every request with
 * {@link SigV4Signer} and sends it on the JDK HTTP client. It knows nothing about blobs; {@code S3BlobStore}
 * decides what each status means. Bodies are streamed both ways, never buffered whole.
 */
public final class S3Client {
    private static final Pattern CODE = Pattern.compile("<Code>([^<]*)</Code>");
    private static final Pattern MESSAGE = Pattern.compile("<Message>([^<]*)</Message>");
    private static final int MAX_ERROR_BODY = 16 * 1024;

    private final HttpClient http;
    private final URI endpoint;
    private final SigV4Signer signer;
    private final Clock clock;
    private final Duration requestTimeout;

    public S3Client(URI endpoint, SigV4Signer signer, Duration connectTimeout, Duration requestTimeout) {
        this.endpoint = endpoint;
        this.signer = signer;
        this.clock = Clock.systemUTC();
        this.requestTimeout = requestTimeout;
        // HTTP/1.1: s3-compatible servers rarely speak h2c, and an upgrade attempt only adds a round of headers.
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connectTimeout).build();
    }

    public URI endpoint() {
        return endpoint;
    }

    /** {@code endpoint/bucket[/key][?query]}; the key is percent-encoded once, keeping its slashes. */
    public URI uri(String bucket, String key, String rawQuery) {
        String base = endpoint.toString().replaceAll("/+$", "");
        String path = "/" + SigV4Signer.uriEncode(bucket, true) + (key == null ? "" : "/" + SigV4Signer.uriEncode(key, false));
        return URI.create(base + path + (rawQuery == null ? "" : "?" + rawQuery));
    }

    /**
     * Sends a signed request and returns the response with its body unread (callers close it).
     *
     * @param body        the body, or null for none
     * @param payloadHash hex sha256 of the body: S3 recomputes it and refuses the request if it differs
     */
    public HttpResponse<InputStream> send(String method, URI uri, Map<String, String> headers,
                                          HttpRequest.BodyPublisher body, String payloadHash)
            throws IOException {
        Instant now = clock.instant();
        Map<String, String> signed = new LinkedHashMap<>(headers);
        signed.put("host", hostHeader(uri));
        signed.put("x-amz-date", SigV4Signer.AMZ_DATE.format(now));
        signed.put("x-amz-content-sha256", payloadHash);
        HttpRequest.Builder rb = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
        signed.forEach((k, v) -> {
            if (!k.equals("host")) { // the JDK client sets Host itself, to the same value
                rb.header(k, v);
            }
        });
        rb.header("Authorization", signer.authorization(method, uri, signed, payloadHash, now));
        try {
            return http.send(rb.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted during S3 " + method + " " + uri.getRawPath());
        }
    }

    public HttpResponse<InputStream> send(String method, URI uri, Map<String, String> headers) throws IOException {
        return send(method, uri, headers, null, SigV4Signer.EMPTY_SHA256);
    }

    /** What the JDK client sends as Host: the port only when it is not the scheme's default. */
    static String hostHeader(URI uri) {
        int port = uri.getPort();
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        return port == -1 || https && port == 443 || !https && port == 80 ? uri.getHost() : uri.getHost() + ":" + port;
    }

    /** Reads and closes the body of a failed response; the error names S3's Code and Message when it sent them. */
    public static IOException failure(String what, HttpResponse<InputStream> r) {
        String detail = "";
        try (InputStream in = r.body()) {
            String xml = new String(in.readNBytes(MAX_ERROR_BODY), StandardCharsets.UTF_8);
            Matcher code = CODE.matcher(xml);
            Matcher message = MESSAGE.matcher(xml);
            if (code.find()) {
                detail = " " + code.group(1) + (message.find() ? ": " + message.group(1) : "");
            }
        } catch (IOException ignored) {
            // the status alone still says what failed
        }
        return new IOException(what + ": HTTP " + r.statusCode() + detail);
    }

    /** Drains and closes a body we do not need, so the connection can be reused. */
    public static void discard(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }
}
