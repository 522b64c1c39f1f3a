package dev.peerlink.stun;

import java.util.HexFormat;

/** Hex dumps as the RFCs print them (whitespace ignored) to bytes, and back. */
final class TestBytes {
    private TestBytes() {}

    static byte[] hex(String dump) {
        return HexFormat.of().parseHex(dump.replaceAll("\\s+", ""));
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, pos, p.length);
            pos += p.length;
        }
        return out;
    }
}
