package dev.peerlink.stun;

import dev.peerlink.stun.attribute.AlternateServer;
import dev.peerlink.stun.attribute.ChangeRequest;
import dev.peerlink.stun.attribute.ErrorCode;
import dev.peerlink.stun.attribute.MappedAddress;
import dev.peerlink.stun.attribute.Nonce;
import dev.peerlink.stun.attribute.OtherAddress;
import dev.peerlink.stun.attribute.Padding;
import dev.peerlink.stun.attribute.RawAttribute;
import dev.peerlink.stun.attribute.Realm;
import dev.peerlink.stun.attribute.ResponseOrigin;
import dev.peerlink.stun.attribute.ResponsePort;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.attribute.UnknownAttributes;
import dev.peerlink.stun.attribute.UserHash;
import dev.peerlink.stun.attribute.Username;
import dev.peerlink.stun.attribute.XorMappedAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/** Encoded messages covering every attribute type, both address families and all protections. */
final class SampleMessages {
    private SampleMessages() {}

    static final TransactionId TID = TransactionId.of(TestBytes.hex("a1a2a3a4a5a6a7a8a9aaabac"));

    static InetSocketAddress addr(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static final InetSocketAddress V4 = addr("192.0.2.77", 40000);
    static final InetSocketAddress V6 = addr("2001:db8::dead:beef", 1);

    /** One instance of every attribute the codec has a type for, IPv4 and IPv6 for addresses. */
    static List<StunAttribute> everyAttribute() {
        List<StunAttribute> a = new ArrayList<>();
        for (InetSocketAddress s : List.of(V4, V6, addr("0.0.0.0", 0), addr("255.255.255.255", 65535), addr("::", 0),
                addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535), addr("::1", 3478))) {
            a.add(new MappedAddress(s));
            a.add(new XorMappedAddress(s));
            a.add(new AlternateServer(s));
            a.add(new ResponseOrigin(s));
            a.add(new OtherAddress(s));
        }
        a.add(new Username("alice"));
        a.add(new Username(""));
        a.add(new Username("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9 \uD83D\uDE00"));
        a.add(new Realm("example.org"));
        a.add(new Nonce("obMatJos2AAACf//499k954d6OL34oL9FSTvy64sA"));
        a.add(new Software("peerlink 0.1"));
        a.add(new UserHash(StunIntegrity.userHash("alice", "example.org")));
        a.add(ErrorCode.of(ErrorCode.UNAUTHENTICATED));
        a.add(new ErrorCode(699, "z\u00e9"));
        a.add(new ErrorCode(300, ""));
        a.add(new UnknownAttributes(List.of(0x0024, 0x7FFF, 0x0001)));
        a.add(new UnknownAttributes(List.of()));
        for (boolean ip : new boolean[] {false, true}) {
            for (boolean port : new boolean[] {false, true}) {
                a.add(new ChangeRequest(ip, port));
            }
        }
        a.add(new ResponsePort(0));
        a.add(new ResponsePort(65535));
        a.add(new Padding(0));
        a.add(new Padding(5));
        a.add(new Padding(64));
        a.add(new RawAttribute(0x0024, TestBytes.hex("6e0001ff")));
        a.add(new RawAttribute(0xC057, new byte[0]));
        a.add(new RawAttribute(0x8029, TestBytes.hex("932ff9b151263b36")));
        a.add(new dev.peerlink.stun.attribute.PasswordAlgorithm(dev.peerlink.stun.attribute.PasswordAlgorithm.SHA256));
        a.add(new dev.peerlink.stun.attribute.PasswordAlgorithms(java.util.List.of(2, 1)));
        return a;
    }

    /** Seed inputs for mutation: the RFC vectors and a spread of encoded messages. */
    static List<byte[]> corpus() {
        List<byte[]> c = new ArrayList<>();
        c.add(Rfc5769VectorsTest.SAMPLE_REQUEST);
        c.add(Rfc5769VectorsTest.IPV4_RESPONSE);
        c.add(Rfc5769VectorsTest.IPV6_RESPONSE);
        c.add(Rfc5769VectorsTest.LONG_TERM_REQUEST);
        c.add(Rfc8489AppendixBTest.CORRECTED);
        StunEncoder enc = StunEncoder.standard();
        byte[] key = StunIntegrity.shortTermKey("pw");
        MessageProtection[] protections = {
            MessageProtection.NONE,
            MessageProtection.FINGERPRINT,
            MessageProtection.NONE.withIntegrity(key),
            MessageProtection.NONE.withIntegrity(key).withIntegritySha256(key, 16).withFingerprint(),
            MessageProtection.NONE.withIntegritySha256(key).withFingerprint(),
        };
        List<StunAttribute> all = everyAttribute();
        StunClass[] classes = StunClass.values();
        int p = 0;
        for (int i = 0; i < all.size(); i += 3) {
            StunMessage.Builder b = StunMessage.builder(StunMethod.of(1 + i % 9), classes[i % 4], TID);
            for (int j = i; j < Math.min(all.size(), i + 3); j++) {
                b.add(all.get(j));
            }
            c.add(enc.encode(b.build(), protections[p++ % protections.length]));
        }
        StunMessage.Builder everything = StunMessage.builder(StunMethod.BINDING, StunClass.SUCCESS_RESPONSE, TID);
        all.subList(0, Math.min(all.size(), 60)).forEach(everything::add);
        c.add(enc.encode(everything.build(), protections[3]));
        c.add(enc.encode(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID).build()));
        // A few large ones, so allocation is also measured where it could grow with the input.
        List<Integer> types = new ArrayList<>();
        for (int t = 0; t < 3000; t++) {
            types.add(0x0100 + t);
        }
        c.add(enc.encode(StunMessage.builder(StunMethod.BINDING, StunClass.ERROR_RESPONSE, TID)
                .add(ErrorCode.of(ErrorCode.UNKNOWN_ATTRIBUTE)).add(new UnknownAttributes(types)).build(), protections[1]));
        c.add(enc.encode(StunMessage.builder(StunMethod.BINDING, StunClass.REQUEST, TID)
                .add(new Padding(20000)).add(new Software("s".repeat(763))).add(new RawAttribute(0xC001, new byte[9000])).build(),
                protections[3]));
        return c;
    }
}
