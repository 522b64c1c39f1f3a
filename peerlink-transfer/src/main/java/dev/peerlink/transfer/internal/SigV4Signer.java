package dev.peerlink.transfer.internal;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature Version 4 for requests signed in the {@code Authorization} header. Pure: it signs what it
 * is given (method, URI, the headers to sign, the payload hash, the time) and touches no network, so the
 * AWS published test vectors pin it. The path is used as sent (S3 rule: no re-encoding, no normalising),
 * so callers must percent-encode it once. The secret key never leaves this object.
 */
public final class SigV4Signer {
    public static final String ALGORITHM = "AWS4-HMAC-SHA256";
    /** sha256 of the empty string: the payload hash of GET, HEAD and DELETE. */
    public static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    public static final DateTimeFormatter AMZ_DATE =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final HexFormat HEX = HexFormat.of();

    private final String accessKey;
    private final byte[] secret;
    private final String region;
    private final String service;

    public SigV4Signer(String accessKey, String secretKey, String region, String service) {
        this.accessKey = accessKey;
        this.secret = ("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8);
        this.region = region;
        this.service = service;
    }

    /**
     * The {@code Authorization} header value. {@code headers} are exactly the headers to sign (names in any
     * case; they must include {@code host} and {@code x-amz-date}, whose value must be {@code time}).
     */
    public String authorization(String method, URI uri, Map<String, String> headers, String payloadHash, Instant time) {
        String amzDate = AMZ_DATE.format(time);
        String scope = amzDate.substring(0, 8) + "/" + region + "/" + service + "/aws4_request";
        TreeMap<String, String> canonical = canonicalHeaders(headers);
        String signedHeaders = String.join(";", canonical.keySet());
        String sts = stringToSign(amzDate, scope, canonicalRequest(method, uri, canonical, signedHeaders, payloadHash));
        byte[] key = hmac(hmac(hmac(hmac(secret, amzDate.substring(0, 8)), region), service), "aws4_request");
        String signature = HEX.formatHex(hmac(key, sts));
        return ALGORITHM + " Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature;
    }

    static String stringToSign(String amzDate, String scope, String canonicalRequest) {
        return ALGORITHM + "\n" + amzDate + "\n" + scope + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    }

    static String canonicalRequest(String method, URI uri, Map<String, String> headers, String payloadHash) {
        TreeMap<String, String> canonical = canonicalHeaders(headers);
        return canonicalRequest(method, uri, canonical, String.join(";", canonical.keySet()), payloadHash);
    }

    private static String canonicalRequest(String method, URI uri, TreeMap<String, String> canonical,
                                           String signedHeaders, String payloadHash) {
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        StringBuilder sb = new StringBuilder();
        sb.append(method).append('\n').append(path).append('\n').append(canonicalQuery(uri.getRawQuery())).append('\n');
        canonical.forEach((k, v) -> sb.append(k).append(':').append(v).append('\n'));
        return sb.append('\n').append(signedHeaders).append('\n').append(payloadHash).toString();
    }

    private static TreeMap<String, String> canonicalHeaders(Map<String, String> headers) {
        TreeMap<String, String> out = new TreeMap<>();
        headers.forEach((k, v) -> out.put(k.toLowerCase(Locale.ROOT), v.strip().replaceAll(" +", " ")));
        return out;
    }

    /** Each name and value decoded then encoded the AWS way, sorted by name then value. */
    static String canonicalQuery(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return "";
        }
        List<String[]> params = new ArrayList<>();
        for (String part : rawQuery.split("&")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            params.add(new String[] {uriEncode(decode(name), true), uriEncode(decode(value), true)});
        }
        params.sort((a, b) -> a[0].equals(b[0]) ? a[1].compareTo(b[1]) : a[0].compareTo(b[0]));
        StringBuilder sb = new StringBuilder();
        for (String[] p : params) {
            sb.append(sb.isEmpty() ? "" : "&").append(p[0]).append('=').append(p[1]);
        }
        return sb.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** RFC 3986 unreserved characters stay, everything else is %XX (upper case); '/' kept unless encodeSlash. */
    public static String uriEncode(String s, boolean encodeSlash) {
        StringBuilder sb = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '_' || c == '.' || c == '~' || c == '/' && !encodeSlash) {
                sb.append(c);
            } else {
                sb.append('%').append(HEX.toHexDigits(b).toUpperCase(Locale.ROOT));
            }
        }
        return sb.toString();
    }

    public static String sha256Hex(byte[] data) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "SigV4Signer[" + accessKey + ", " + region + ", " + service + "]"; // never the secret
    }
}
