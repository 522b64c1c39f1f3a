package dev.peerlink.peer.pairing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.peer.pairing.PairingCodeException.Reason;
import dev.peerlink.protocol.DeviceId;
import dev.peerlink.secure.DeviceIdentity;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PairingCodeTest {
    static final Instant EXPIRY = Instant.parse("2030-01-01T00:10:00Z");

    static PairingCode sample() {
        return new PairingCode(DeviceId.of("office-pc"), DeviceIdentity.generate().publicIdentity(),
                List.of(new InetSocketAddress("192.168.1.20", 41234), new InetSocketAddress("fd00::1:2", 41234),
                        new InetSocketAddress("10.0.0.7", 65535)),
                PairingCode.newToken(), EXPIRY);
    }

    @Test
    void roundTripsThroughTextAndBytes() throws Exception {
        PairingCode c = sample();
        String text = c.toText();
        assertThat(text).startsWith("PL1:").matches("[0-9A-Z $%*+\\-./:]+"); // QR alphanumeric set only
        PairingCode back = PairingCode.parse(text);
        assertThat(back).isEqualTo(c);
        assertThat(back.token()).isEqualTo(c.token());
        assertThat(back.candidates()).isEqualTo(c.candidates());
        assertThat(back.identity()).isEqualTo(c.identity());
        assertThat(back.expiry()).isEqualTo(EXPIRY);
        assertThat(PairingCode.fromBytes(c.toBytes())).isEqualTo(c);
        // 55 fixed + 1 + 9 id + 1 + 7 + 19 + 7 + 4 crc = 103 bytes -> 165 base32 characters
        assertThat(c.toBytes()).hasSize(103);
        assertThat(text).hasSize(4 + 165);
    }

    @Test
    void isLenientAboutCaseSpacesAndDashes() throws Exception {
        PairingCode c = sample();
        String t = c.toText().substring(4);
        String typed = "pl1: " + String.join("-", t.toLowerCase().split("(?<=\\G.{8})"));
        assertThat(PairingCode.parse(typed)).isEqualTo(c);
    }

    @Test
    void typedErrors() {
        PairingCode c = sample();
        String t = c.toText();
        assertReason("HELLO", Reason.BAD_PREFIX);
        assertReason(null, Reason.BAD_PREFIX);
        assertReason("PLX:AAAA", Reason.BAD_PREFIX);
        assertReason("PL2:" + t.substring(4), Reason.BAD_VERSION);
        assertReason(t.substring(0, 20) + "0" + t.substring(21), Reason.BAD_ENCODING);
        assertReason(t.substring(0, t.length() - 8), Reason.TRUNCATED);
        assertReason(t.substring(0, t.length() - 1), Reason.TRUNCATED);
        assertReason(t + "AAAAAAAA", Reason.TRAILING_DATA);
        char ch = t.charAt(50);
        assertReason(t.substring(0, 50) + (ch == 'A' ? 'B' : 'A') + t.substring(51), Reason.BAD_CHECKSUM);
        assertThatThrownBy(() -> PairingCode.parse(t, EXPIRY))
                .isInstanceOfSatisfying(PairingCodeException.class, e -> assertThat(e.reason()).isEqualTo(Reason.EXPIRED));
    }

    @Test
    void checksummedFieldErrors() throws Exception {
        byte[] b = sample().toBytes();
        b[0] = 2;
        assertBytesReason(b, Reason.BAD_VERSION);
        b = sample().toBytes();
        b[55] = 0; // device id length
        assertBytesReason(resum(b), Reason.BAD_DEVICE_ID);
        b = sample().toBytes();
        b[56] = '/';
        assertBytesReason(resum(b), Reason.BAD_DEVICE_ID);
        b = sample().toBytes();
        b[56 + 9] = 9; // candidate count
        assertBytesReason(resum(b), Reason.BAD_ADDRESS);
        b = sample().toBytes();
        b[56 + 10] = 5; // first candidate's type
        assertBytesReason(resum(b), Reason.BAD_ADDRESS);
        b = sample().toBytes();
        b[56 + 10 + 5] = 0;
        b[56 + 10 + 6] = 0; // first port 0
        assertBytesReason(resum(b), Reason.BAD_ADDRESS);
    }

    @Test
    void refusesUnencodableFields() {
        var id = DeviceIdentity.generate().publicIdentity();
        assertThatThrownBy(() -> new PairingCode(DeviceId.of("a"), id, List.of(), PairingCode.newToken(), EXPIRY))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PairingCode(DeviceId.of("a"), id, List.of(new InetSocketAddress("0.0.0.0", 1)),
                PairingCode.newToken(), EXPIRY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new PairingCode(DeviceId.of("a"), id, List.of(new InetSocketAddress("10.0.0.1", 1)),
                new byte[15], EXPIRY)).isInstanceOf(IllegalArgumentException.class);
    }

    /** Seeded fuzz: random text, mutated codes, random bytes: a code or a typed error, nothing else. */
    @Test
    void decoderFuzzYieldsOnlyCodesOrTypedErrors() {
        Random r = new Random(0x9A1C0DEL);
        String valid = sample().toText();
        byte[] validBytes = sample().toBytes();
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567abc01:- \u00e9";
        Set<Reason> seen = EnumSet.noneOf(Reason.class);
        int parsed = 0;
        for (int i = 0; i < 200_000; i++) {
            String input;
            switch (i % 4) {
                case 0 -> {
                    StringBuilder sb = new StringBuilder(r.nextBoolean() ? "PL1:" : "");
                    int n = r.nextInt(200);
                    for (int k = 0; k < n; k++) {
                        sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
                    }
                    input = sb.toString();
                }
                case 1 -> {
                    char[] cs = valid.toCharArray();
                    int muts = 1 + r.nextInt(3);
                    for (int k = 0; k < muts; k++) {
                        cs[4 + r.nextInt(cs.length - 4)] = alphabet.charAt(r.nextInt(32));
                    }
                    input = new String(cs);
                }
                case 2 -> input = valid.substring(0, r.nextInt(valid.length() + 1));
                default -> {
                    byte[] b = r.nextBoolean() ? validBytes.clone() : new byte[r.nextInt(300)];
                    if (b == validBytes || b.length == validBytes.length) {
                        b[3 + r.nextInt(b.length - 7)] = (byte) r.nextInt(256);
                        resum(b);
                    } else {
                        r.nextBytes(b);
                    }
                    input = "PL1:" + PairingCode.base32(b);
                }
            }
            try {
                PairingCode c = PairingCode.parse(input);
                assertThat(PairingCode.parse(c.toText())).isEqualTo(c);
                parsed++;
            } catch (PairingCodeException e) {
                assertThat(e.reason()).isNotNull();
                assertThat(e.getMessage()).isNotBlank();
                seen.add(e.reason());
            }
        }
        assertThat(parsed).as("mutations of the checksummed body that stay valid").isPositive();
        assertThat(seen).containsAll(EnumSet.complementOf(EnumSet.of(Reason.EXPIRED)));
    }

    static byte[] resum(byte[] b) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(b, 0, b.length - 4);
        java.nio.ByteBuffer.wrap(b, b.length - 4, 4).putInt((int) crc.getValue());
        return b;
    }

    static void assertReason(String text, Reason reason) {
        assertThatThrownBy(() -> PairingCode.parse(text))
                .isInstanceOfSatisfying(PairingCodeException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }

    static void assertBytesReason(byte[] b, Reason reason) {
        assertThatThrownBy(() -> PairingCode.fromBytes(b))
                .isInstanceOfSatisfying(PairingCodeException.class, e -> assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason));
    }
}
