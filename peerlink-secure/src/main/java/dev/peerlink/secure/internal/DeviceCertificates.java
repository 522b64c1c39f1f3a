package dev.peerlink.secure.internal;

import dev.peerlink.secure.PeerIdentity;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;

/**
 * Reading the identity a peerlink device certificate claims.
 *
 * <p>Device certificates carry the raw 32-byte Ed25519 identity key in a non-critical extension whose value is a DER
 * OCTET STRING of those 32 bytes. The OID is a UUID-derived one (ITU-T X.667 arc {@code 2.25}), which needs no
 * registration. A claim is only a hint for which key to verify the certificate's signature with; the certificate is
 * trusted only after that verification (see {@link UnpinnedTrustManager}).
 */
public final class DeviceCertificates {
    /** {@code 2.25.<UUID 7f379804-ce4e-401e-9536-189111107b74 as an integer>}: peerlink device identity key. */
    public static final ASN1ObjectIdentifier IDENTITY_KEY_OID =
            new ASN1ObjectIdentifier("2.25.169100615098924647522050523583323601780");

    /** The CN prefix of every device certificate, followed by the identity's fingerprint. */
    public static final String CN_PREFIX = "peerlink-device-";

    private DeviceCertificates() {
    }

    /**
     * The identity key the certificate claims: from the identity extension, else (direct Ed25519 form without the
     * extension) the certificate's own key if it is Ed25519.
     *
     * @throws IllegalArgumentException when it claims none, or the extension is malformed, or both are present and
     *     disagree
     */
    public static PeerIdentity claimedIdentity(X509Certificate cert) {
        byte[] ext = cert.getExtensionValue(IDENTITY_KEY_OID.getId());
        PeerIdentity fromKey = null;
        String alg = cert.getPublicKey().getAlgorithm();
        if (alg.equals("Ed25519") || alg.equals("EdDSA")) {
            fromKey = PeerIdentity.of(cert.getPublicKey());
        }
        if (ext == null) {
            if (fromKey == null) {
                throw new IllegalArgumentException("certificate carries no peerlink identity key");
            }
            return fromKey;
        }
        byte[] raw;
        try {
            // getExtensionValue returns the extnValue OCTET STRING; inside it, our own OCTET STRING
            ASN1OctetString outer = ASN1OctetString.getInstance(ext);
            ASN1Primitive inner = ASN1Primitive.fromByteArray(outer.getOctets());
            raw = ASN1OctetString.getInstance(inner).getOctets();
        } catch (Exception e) {
            throw new IllegalArgumentException("malformed peerlink identity extension");
        }
        if (raw.length != 32) {
            throw new IllegalArgumentException("peerlink identity extension is not a 32-byte Ed25519 key");
        }
        PeerIdentity claimed = PeerIdentity.fromRaw(raw);
        if (fromKey != null && !Arrays.equals(fromKey.raw(), raw)) {
            throw new IllegalArgumentException("Ed25519 certificate key differs from the identity it claims");
        }
        return claimed;
    }
}
