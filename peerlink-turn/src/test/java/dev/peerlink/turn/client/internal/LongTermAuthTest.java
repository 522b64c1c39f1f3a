package dev.peerlink.turn.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.MessageProtection;
import dev.peerlink.stun.StunClass;
import dev.peerlink.stun.StunDecoder;
import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunIntegrity;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.PasswordAlgorithm;
import dev.peerlink.stun.attribute.PasswordAlgorithms;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.turn.TurnCredentials;
import java.util.List;
import org.junit.jupiter.api.Test;

class LongTermAuthTest {
    private static final TurnCredentials CREDS = TurnCredentials.of("alice", "wonderland");

    private static StunMessage challenge(List<Integer> algorithms) throws Exception {
        StunMessage.Builder b = StunMessage.request(StunMethod.ALLOCATE).build().respond(StunClass.ERROR_RESPONSE)
                .add(ErrorCode.of(401)).add(new Realm("r")).add(new Nonce("n1"));
        if (algorithms != null) {
            b.add(new PasswordAlgorithms(algorithms));
        }
        return StunDecoder.standard().decode(StunEncoder.standard().encode(b.build()));
    }

    private static StunMessage signed(LongTermAuth auth) throws Exception {
        StunMessage.Builder b = StunMessage.request(StunMethod.ALLOCATE);
        MessageProtection p = auth.apply(b);
        return StunDecoder.standard().decode(StunEncoder.standard().encode(b.build(), p));
    }

    @Test
    void beforeAChallengeRequestsGoOutBare() throws Exception {
        LongTermAuth auth = new LongTermAuth(CREDS);

        StunMessage m = signed(auth);
        assertThat(auth.ready()).isFalse();
        assertThat(m.attributes()).isEmpty();
    }

    @Test
    void prefersSha256WhenOfferedAndEchoesTheOffer() throws Exception {
        LongTermAuth auth = new LongTermAuth(CREDS);
        assertThat(auth.learn(challenge(List.of(PasswordAlgorithm.MD5, PasswordAlgorithm.SHA256)))).isTrue();

        StunMessage m = signed(auth);
        assertThat(m.attribute(PasswordAlgorithm.class)).contains(new PasswordAlgorithm(PasswordAlgorithm.SHA256));
        assertThat(m.attribute(PasswordAlgorithms.class).orElseThrow().algorithms())
                .containsExactly(PasswordAlgorithm.MD5, PasswordAlgorithm.SHA256);
        assertThat(m.attribute(Username.class)).contains(new Username("alice"));
        assertThat(StunIntegrity.verifySha256(m, StunIntegrity.longTermKeySha256("alice", "r", "wonderland"))).isTrue();
        assertThat(m.has(dev.peerlink.stun.AttributeType.MESSAGE_INTEGRITY)).isFalse();
    }

    @Test
    void usesMd5AndMessageIntegrityWithoutAnOfferAsRfc5389ServersExpect() throws Exception {
        LongTermAuth auth = new LongTermAuth(CREDS);
        auth.learn(challenge(null));

        StunMessage m = signed(auth);
        assertThat(m.attribute(PasswordAlgorithm.class)).isEmpty();
        assertThat(m.attribute(PasswordAlgorithms.class)).isEmpty();
        assertThat(StunIntegrity.verify(m, StunIntegrity.longTermKeyMd5("alice", "r", "wonderland"))).isTrue();
    }

    @Test
    void md5OnlyOfferStaysMd5() throws Exception {
        LongTermAuth auth = new LongTermAuth(CREDS);
        auth.learn(challenge(List.of(PasswordAlgorithm.MD5)));

        assertThat(auth.algorithm()).isEqualTo(PasswordAlgorithm.MD5);
        assertThat(signed(auth).attribute(PasswordAlgorithm.class)).contains(new PasswordAlgorithm(PasswordAlgorithm.MD5));
    }

    @Test
    void aChallengeWithoutNonceCannotBeAnswered() throws Exception {
        StunMessage noNonce = StunDecoder.standard().decode(StunEncoder.standard().encode(
                StunMessage.request(StunMethod.ALLOCATE).build().respond(StunClass.ERROR_RESPONSE)
                        .add(ErrorCode.of(401)).add(new Realm("r")).build()));

        assertThat(new LongTermAuth(CREDS).learn(noNonce)).isFalse();
    }
}
