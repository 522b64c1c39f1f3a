package dev.peerlink.turn.client.internal;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.TurnCredentials;
import java.util.List;

/**
 * Long-term credential state (RFC 8489 §9.2): realm, nonce and password algorithm learnt from
 * the server's 401/438, and the key derived from them. Adds USERNAME, REALM, NONCE and the
 * algorithm attributes to requests and picks MESSAGE-INTEGRITY-SHA256 when SHA-256 was agreed,
 * MESSAGE-INTEGRITY (MD5 key) otherwise, as RFC 5389-era servers (coturn 4.6) expect.
 * Thread-safe: refreshes run concurrently with user calls.
 */
public final class LongTermAuth {
    private final TurnCredentials credentials;
    private String realm;
    private String nonce;
    private PasswordAlgorithms offered; // echoed back for downgrade protection (RFC 8489 §9.2.4)
    private int algorithm = PasswordAlgorithm.MD5;
    private byte[] key;

    public LongTermAuth(TurnCredentials credentials) {
        this.credentials = credentials;
    }

    /** True once a challenge has been answered: requests then carry credentials. */
    public synchronized boolean ready() {
        return key != null;
    }

    /**
     * Learns realm, nonce and algorithms from a 401 or 438. Returns false when the response
     * lacks what a retry needs (then retrying is pointless).
     */
    public synchronized boolean learn(StunMessage challenge) {
        var r = challenge.attribute(Realm.class);
        var n = challenge.attribute(Nonce.class);
        if (n.isEmpty() || (r.isEmpty() && realm == null)) {
            return false;
        }
        r.ifPresent(v -> realm = v.value()); // a 438 may omit REALM; keep the one we have
        nonce = n.get().value();
        var algs = challenge.attribute(PasswordAlgorithms.class);
        if (algs.isPresent()) {
            offered = algs.get();
            algorithm = choose(offered.algorithms());
        }
        key = algorithm == PasswordAlgorithm.SHA256
                ? StunIntegrity.longTermKeySha256(credentials.username(), realm, credentials.password())
                : StunIntegrity.longTermKeyMd5(credentials.username(), realm, credentials.password());
        return true;
    }

    /** SHA-256 when offered, else MD5 (the RFC 8489 default every server knows). */
    static int choose(List<Integer> offered) {
        return offered.contains(PasswordAlgorithm.SHA256) ? PasswordAlgorithm.SHA256 : PasswordAlgorithm.MD5;
    }

    /** Adds the credential attributes and returns the protection to encode with (NONE before a challenge). */
    public synchronized MessageProtection apply(StunMessage.Builder request) {
        if (key == null) {
            return MessageProtection.NONE;
        }
        request.add(new Username(credentials.username())).add(new Realm(realm)).add(new Nonce(nonce));
        if (offered != null) {
            request.add(new PasswordAlgorithms(offered.algorithms())).add(new PasswordAlgorithm(algorithm));
        }
        return algorithm == PasswordAlgorithm.SHA256
                ? MessageProtection.NONE.withIntegritySha256(key)
                : MessageProtection.NONE.withIntegrity(key);
    }

    /**
     * True when a response carries no integrity (error responses before authentication may not)
     * or carries one that matches our key. A mismatch means a forged or corrupted response.
     */
    public synchronized boolean verify(StunMessage response) {
        if (key == null) {
            return true;
        }
        if (response.has(dev.peerlink.stun.AttributeType.MESSAGE_INTEGRITY_SHA256)) {
            return StunIntegrity.verifySha256(response, key);
        }
        if (response.has(dev.peerlink.stun.AttributeType.MESSAGE_INTEGRITY)) {
            return StunIntegrity.verify(response, key);
        }
        return true;
    }

    public synchronized int algorithm() {
        return algorithm;
    }

    public synchronized String nonce() {
        return nonce;
    }
}
