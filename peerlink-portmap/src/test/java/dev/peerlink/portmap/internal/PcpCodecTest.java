package dev.peerlink.portmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.portmap.internal.MalformedMessageException.Problem;
import dev.peerlink.portmap.internal.PcpMessage.MapData;
import dev.peerlink.portmap.internal.PcpMessage.Option;
import dev.peerlink.portmap.internal.PcpMessage.Request;
import dev.peerlink.portmap.internal.PcpMessage.Response;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class PcpCodecTest {
    static final byte[] NONCE = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};

    static InetAddress ip(String s) throws Exception {
        return InetAddress.getByName(s);
    }

    @Test
    void mapRequestLayout() throws Exception {
        MapData body = new MapData(NONCE, 17, 4000, 4000, ip("0.0.0.0"));
        byte[] b = PcpCodec.encode(new Request(PcpMessage.OP_MAP, 7200, ip("10.0.3.2"), body, List.of()));
        assertThat(b).hasSize(60);
        assertThat(b[0]).isEqualTo((byte) 2);
        assertThat(b[1]).isEqualTo((byte) 1);
        assertThat(b[18]).isEqualTo((byte) 0xff); // IPv4-mapped client address (bytes 8..23)
        assertThat(b[20]).isEqualTo((byte) 10);
        assertThat(b[36]).isEqualTo((byte) 17);   // protocol after the 12-byte nonce
        assertThat(b[56]).isEqualTo((byte) 0);    // suggested external ::ffff:0.0.0.0
        assertThat(b[54]).isEqualTo((byte) 0xff);
    }

    @Test
    void roundTrips() throws Exception {
        MapData body = new MapData(NONCE, 6, 80, 8080, ip("203.0.113.103"));
        Request req = new Request(PcpMessage.OP_MAP, 3600, ip("10.0.3.2"), body,
                List.of(new Option(1, new byte[] {1, 2, 3}), new Option(0x80, new byte[0])));
        assertThat(PcpCodec.decodeRequest(PcpCodec.encode(req))).isEqualTo(req);
        Response resp = new Response(PcpMessage.OP_MAP, 0, 3600, 1234, body, List.of(new Option(2, new byte[16])));
        assertThat(PcpCodec.decodeResponse(PcpCodec.encode(resp))).isEqualTo(resp);
        Response announce = new Response(PcpMessage.OP_ANNOUNCE, 0, 0, 7, null, List.of());
        assertThat(PcpCodec.decodeResponse(PcpCodec.encode(announce))).isEqualTo(announce);
        Response headerOnlyError = new Response(PcpMessage.OP_MAP, PcpMessage.MALFORMED_REQUEST, 0, 7, null, List.of());
        assertThat(PcpCodec.decodeResponse(PcpCodec.encode(headerOnlyError))).isEqualTo(headerOnlyError);
        Request v6 = new Request(PcpMessage.OP_ANNOUNCE, 0, ip("2001:db8::1"), null, List.of());
        assertThat(PcpCodec.decodeRequest(PcpCodec.encode(v6))).isEqualTo(v6);
    }

    @Test
    void malformedInputGivesTypedErrors() throws Exception {
        byte[] ok = PcpCodec.encode(new Response(PcpMessage.OP_MAP, 0, 60, 1, new MapData(NONCE, 17, 1, 2, ip("1.2.3.4")),
                List.of()));
        assertProblem(new byte[0], Problem.TRUNCATED);
        assertProblem(new byte[] {0, (byte) 0x81, 0, 1}, Problem.BAD_VERSION); // NAT-PMP's answer
        assertProblem(java.util.Arrays.copyOf(ok, 20), Problem.TRUNCATED);
        assertProblem(java.util.Arrays.copyOf(ok, 61), Problem.BAD_LENGTH);
        assertProblem(java.util.Arrays.copyOf(ok, 1104), Problem.BAD_LENGTH);
        assertProblem(java.util.Arrays.copyOf(ok, 48), Problem.TRUNCATED); // success MAP without full body
        byte[] req = ok.clone();
        req[1] = 1;
        assertProblem(req, Problem.NOT_A_RESPONSE);
        byte[] badOption = java.util.Arrays.copyOf(ok, 64);
        badOption[60] = 1;
        badOption[62] = 0;
        badOption[63] = 8; // claims 8 bytes, none follow
        assertProblem(badOption, Problem.BAD_OPTION);
        byte[] unknown = ok.clone();
        unknown[1] = (byte) 0x85;
        assertProblem(unknown, Problem.UNKNOWN_OPCODE);
    }

    private static void assertProblem(byte[] b, Problem p) {
        assertThatThrownBy(() -> PcpCodec.decodeResponse(b))
                .isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.problem()).isEqualTo(p));
    }
}
