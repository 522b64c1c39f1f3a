package dev.peerlink.stun.internal;

import java.text.Normalizer;

/**
 * The parts of SASLprep (RFC 4013) that change how a password hashes: characters "commonly mapped
 * to nothing" are removed, non-ASCII spaces become U+0020, then NFKC. Prohibited-output and bidi
 * checks are not applied: we only derive keys, and rejecting a peer's password is not our call.
 * RFC 5769's long-term vector depends on exactly this mapping.
 */
public final class SaslPrep {
    private SaslPrep() {}

    public static String prepare(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (mapsToNothing(cp)) {
                return;
            }
            sb.appendCodePoint(isNonAsciiSpace(cp) ? ' ' : cp);
        });
        return Normalizer.normalize(sb, Normalizer.Form.NFKC);
    }

    // RFC 3454 table B.1
    private static boolean mapsToNothing(int cp) {
        return cp == 0x00AD || cp == 0x034F || cp == 0x1806 || (cp >= 0x180B && cp <= 0x180D)
                || (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF;
    }

    // RFC 3454 table C.1.2
    private static boolean isNonAsciiSpace(int cp) {
        return cp == 0x00A0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200B) || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
