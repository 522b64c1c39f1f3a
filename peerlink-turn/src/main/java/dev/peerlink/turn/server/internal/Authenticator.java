package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.AttributeType;
import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.UserHash;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.TurnErrors;
import dev.peerlink.turn.server.Refusal;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Long-term credential check of RFC 8489 §9.2.4, in the RFC's order: integrity present (401),
 * USERNAME/REALM/NONCE present (400), nonce fresh (438), PASSWORD-ALGORITHM(S) consistent (400),
 * user known (401), integrity matches (401).
 */
final class Authenticator {
    /** Our offer, in preference order; clients must echo it exactly (bid-down protection). */
    static final List<Integer> ALGORITHMS = List.of(PasswordAlgorithm.SHA256, PasswordAlgorithm.MD5);

    sealed interface Result permits Ok, Fail {}

    /** Authenticated: who, and how to protect the response (same MAC kinds as the request). */
    record Ok(String username, String quotaUser, MessageProtection protection) implements Result {}

    /** Refused: the error code, and whether to add a fresh challenge (REALM, NONCE, PASSWORD-ALGORITHMS). */
    record Fail(int code, Refusal refusal, boolean challenge) implements Result {}

    private final String realm;
    private final NonceFactory nonces;
    private final CredentialStore credentials;

    Authenticator(String realm, NonceFactory nonces, CredentialStore credentials) {
        this.realm = realm;
        this.nonces = nonces;
        this.credentials = credentials;
    }

    /** REALM, a fresh NONCE for this client, and PASSWORD-ALGORITHMS: what 401 and 438 carry. */
    List<StunAttribute> challenge(InetAddress client, long nowNanos) {
        return List.of(new Realm(realm), new Nonce(nonces.issue(client, nowNanos)), new PasswordAlgorithms(ALGORITHMS));
    }

    Result check(StunMessage req, InetAddress client, long nowNanos) {
        boolean mi = req.has(AttributeType.MESSAGE_INTEGRITY);
        boolean mi256 = req.has(AttributeType.MESSAGE_INTEGRITY_SHA256);
        if (!mi && !mi256) {
            return new Fail(TurnErrors.UNAUTHENTICATED, Refusal.UNAUTHENTICATED, true);
        }
        Optional<Username> username = req.attribute(Username.class);
        Optional<UserHash> userHash = req.attribute(UserHash.class);
        Optional<Realm> reqRealm = req.attribute(Realm.class);
        Optional<Nonce> nonce = req.attribute(Nonce.class);
        if (username.isEmpty() && userHash.isEmpty() || reqRealm.isEmpty() || nonce.isEmpty()) {
            return new Fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST, false);
        }
        if (nonces.check(nonce.get().value(), client, nowNanos) != NonceFactory.Check.VALID) {
            return new Fail(TurnErrors.STALE_NONCE, Refusal.STALE_NONCE, true);
        }
        int algorithm = algorithm(req);
        if (algorithm < 0) {
            return new Fail(TurnErrors.BAD_REQUEST, Refusal.BAD_REQUEST, false);
        }
        Optional<String> name = username.map(Username::value).or(() -> credentials.usernameForHash(userHash.get().value()));
        Optional<CredentialStore.Credential> cred = name.flatMap(n -> credentials.lookup(n, Instant.now()));
        if (cred.isEmpty() || !realm.equals(reqRealm.get().value())) {
            return new Fail(TurnErrors.UNAUTHENTICATED, Refusal.UNAUTHENTICATED, true);
        }
        CredentialStore.Credential c = cred.get();
        byte[] key = algorithm == PasswordAlgorithm.SHA256
                ? StunIntegrity.longTermKeySha256(c.username(), realm, c.password())
                : StunIntegrity.longTermKeyMd5(c.username(), realm, c.password());
        // With both MACs present the stronger one decides; RFC 8489 clients send SHA-256 alone anyway.
        boolean valid = mi256 ? StunIntegrity.verifySha256(req, key) : StunIntegrity.verify(req, key);
        if (!valid) {
            return new Fail(TurnErrors.UNAUTHENTICATED, Refusal.UNAUTHENTICATED, true);
        }
        MessageProtection p = MessageProtection.NONE;
        if (mi) {
            p = p.withIntegrity(key);
        }
        if (mi256) {
            p = p.withIntegritySha256(key);
        }
        if (req.has(AttributeType.FINGERPRINT)) {
            p = p.withFingerprint();
        }
        return new Ok(c.username(), c.quotaUser(), p);
    }

    /**
     * The key algorithm per RFC 8489 §9.2.4 (our nonces always carry the password-algorithms bit):
     * neither attribute means MD5; otherwise both must be present, the list must equal our offer and
     * the choice must be in it. -1 means 400.
     */
    private static int algorithm(StunMessage req) {
        Optional<PasswordAlgorithm> chosen = req.attribute(PasswordAlgorithm.class);
        Optional<PasswordAlgorithms> offered = req.attribute(PasswordAlgorithms.class);
        if (chosen.isEmpty() && offered.isEmpty()) {
            return PasswordAlgorithm.MD5;
        }
        if (chosen.isEmpty() || offered.isEmpty() || !offered.get().algorithms().equals(ALGORITHMS)
                || !ALGORITHMS.contains(chosen.get().algorithm())) {
            return -1;
        }
        return chosen.get().algorithm();
    }
}
