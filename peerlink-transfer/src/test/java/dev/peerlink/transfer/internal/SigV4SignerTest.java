package dev.peerlink.transfer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** AWS's published Signature Version 4 vectors: the generic test suite and the S3 developer guide examples. */
class SigV4SignerTest {
    // AWS sigv4 test suite ("aws-sig-v4-test-suite"): credential scope AKIDEXAMPLE/20150830/us-east-1/service
    private static final SigV4Signer SUITE =
            new SigV4Signer("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "us-east-1", "service");
    private static final Instant SUITE_TIME = Instant.parse("2015-08-30T12:36:00Z");
    // S3 "Examples: Signature Calculations" (authenticating requests with the Authorization header)
    private static final SigV4Signer S3 =
            new SigV4Signer("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "us-east-1", "s3");
    private static final Instant S3_TIME = Instant.parse("2013-05-24T00:00:00Z");

    private static Map<String, String> headers(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    @Test
    void getVanilla() {
        assertThat(SUITE.authorization("GET", URI.create("https://example.amazonaws.com/"),
                headers("Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z"), SigV4Signer.EMPTY_SHA256, SUITE_TIME))
                .isEqualTo("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    }

    @Test
    void getVanillaQueryOrderKeyCase() {
        URI uri = URI.create("https://example.amazonaws.com/?Param2=value2&Param1=value1");
        Map<String, String> h = headers("Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z");
        assertThat(SigV4Signer.canonicalRequest("GET", uri, h, SigV4Signer.EMPTY_SHA256)).isEqualTo("""
                GET
                /
                Param1=value1&Param2=value2
                host:example.amazonaws.com
                x-amz-date:20150830T123600Z

                host;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
        assertThat(SUITE.authorization("GET", uri, h, SigV4Signer.EMPTY_SHA256, SUITE_TIME))
                .endsWith("Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    }

    @Test
    void s3GetObjectWithRange() {
        Map<String, String> h = headers("Host", "examplebucket.s3.amazonaws.com", "Range", "bytes=0-9",
                "x-amz-content-sha256", SigV4Signer.EMPTY_SHA256, "x-amz-date", "20130524T000000Z");
        URI uri = URI.create("https://examplebucket.s3.amazonaws.com/test.txt");
        assertThat(SigV4Signer.canonicalRequest("GET", uri, h, SigV4Signer.EMPTY_SHA256)).isEqualTo("""
                GET
                /test.txt

                host:examplebucket.s3.amazonaws.com
                range:bytes=0-9
                x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855
                x-amz-date:20130524T000000Z

                host;range;x-amz-content-sha256;x-amz-date
                e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
        assertThat(S3.authorization("GET", uri, h, SigV4Signer.EMPTY_SHA256, S3_TIME))
                .isEqualTo("AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
                        + "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
                        + "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
    }

    @Test
    void s3PutObjectWithEncodedKey() {
        String payload = SigV4Signer.sha256Hex("Welcome to Amazon S3.".getBytes(StandardCharsets.UTF_8));
        assertThat(payload).isEqualTo("44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
        URI uri = URI.create("https://examplebucket.s3.amazonaws.com/" + SigV4Signer.uriEncode("test$file.text", false));
        assertThat(uri.getRawPath()).isEqualTo("/test%24file.text");
        Map<String, String> h = headers("Date", "Fri, 24 May 2013 00:00:00 GMT", "Host", "examplebucket.s3.amazonaws.com",
                "x-amz-content-sha256", payload, "x-amz-date", "20130524T000000Z", "x-amz-storage-class", "REDUCED_REDUNDANCY");
        assertThat(S3.authorization("PUT", uri, h, payload, S3_TIME))
                .endsWith("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class, "
                        + "Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
    }

    @Test
    void s3GetBucketLifecycleAndListObjects() {
        Map<String, String> h = headers("Host", "examplebucket.s3.amazonaws.com",
                "x-amz-content-sha256", SigV4Signer.EMPTY_SHA256, "x-amz-date", "20130524T000000Z");
        assertThat(S3.authorization("GET", URI.create("https://examplebucket.s3.amazonaws.com/?lifecycle"), h,
                SigV4Signer.EMPTY_SHA256, S3_TIME))
                .endsWith("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
        assertThat(S3.authorization("GET", URI.create("https://examplebucket.s3.amazonaws.com/?max-keys=2&prefix=J"), h,
                SigV4Signer.EMPTY_SHA256, S3_TIME))
                .endsWith("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
    }

    @Test
    void neverShowsTheSecret() {
        assertThat(S3.toString()).doesNotContain("wJalrXUtnFEMI");
    }
}
