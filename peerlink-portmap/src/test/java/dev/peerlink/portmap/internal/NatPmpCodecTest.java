package dev.peerlink.portmap.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.portmap.internal.MalformedMessageException.Problem;
import dev.peerlink.portmap.internal.NatPmpMessage.ErrorResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.ExternalAddressResponse;
import dev.peerlink.portmap.internal.NatPmpMessage.MapRequest;
import dev.peerlink.portmap.internal.NatPmpMessage.MapResponse;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class NatPmpCodecTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void encodesRequestsAsTheRfcLaysThemOut() {
        assertThat(NatPmpCodec.encode(new ExternalAddressRequest())).containsExactly(0, 0);
        assertThat(NatPmpCodec.encode(new MapRequest(1, 4000, 4001, 7200)))
                .isEqualTo(hex("00 01 0000 0fa0 0fa1 00001c20"));
    }

    @Test
    void decodesResponses() throws Exception {
        var ext = (ExternalAddressResponse) NatPmpCodec.decodeResponse(hex("00 80 0000 0000002a cb007165"));
        assertThat(ext.epochSeconds()).isEqualTo(42);
        assertThat(ext.externalAddress().getHostAddress()).isEqualTo("203.0.113.101");
        var map = (MapResponse) NatPmpCodec.decodeResponse(hex("00 82 0000 00000010 0fa0 1388 ffffffff"));
        assertThat(map).isEqualTo(new MapResponse(2, 0, 16, 4000, 5000, 0xffffffffL));
        var err = NatPmpCodec.decodeResponse(hex("00 81 0002 00000001"));
        assertThat(err).isEqualTo(new ErrorResponse(1, 2, 1));
    }

    @Test
    void roundTrips() throws Exception {
        for (NatPmpMessage.Response r : new NatPmpMessage.Response[] {
                new ExternalAddressResponse(0, 99, NatPmpCodec.inet4(new byte[] {1, 2, 3, 4})),
                new MapResponse(1, 0, 123456, 65535, 1, 0),
                new MapResponse(2, 0, 0xffffffffL, 1, 65535, 3600),
                new ErrorResponse(1, NatPmpMessage.NOT_AUTHORIZED, 5)}) {
            assertThat(NatPmpCodec.decodeResponse(NatPmpCodec.encode(r))).isEqualTo(r);
        }
        for (NatPmpMessage q : new NatPmpMessage[] {new ExternalAddressRequest(), new MapRequest(2, 80, 0, 0)}) {
            assertThat(NatPmpCodec.decodeRequest(NatPmpCodec.encode(q))).isEqualTo(q);
        }
    }

    @Test
    void malformedInputGivesTypedErrors() {
        assertProblem(new byte[0], Problem.TRUNCATED);
        assertProblem(hex("02 80"), Problem.BAD_VERSION);
        assertProblem(hex("00 01 0000"), Problem.NOT_A_RESPONSE);
        assertProblem(hex("00 80 0000 00"), Problem.TRUNCATED);
        assertProblem(hex("00 80 0000 00000001 cb00"), Problem.TRUNCATED);
        assertProblem(hex("00 80 0000 00000001 cb007165 00"), Problem.BAD_LENGTH);
        assertProblem(hex("00 81 0000 00000001 0fa0"), Problem.TRUNCATED);
        assertProblem(hex("00 85 0000 00000001 00000000"), Problem.UNKNOWN_OPCODE);
        assertProblem(hex("00 81 0000 00000001"), Problem.TRUNCATED); // success needs the body
    }

    private static void assertProblem(byte[] b, Problem p) {
        assertThatThrownBy(() -> {
            NatPmpMessage.Response r = NatPmpCodec.decodeResponse(b);
            if (r instanceof ErrorResponse e && e.resultCode() == 0) {
                throw new MalformedMessageException(Problem.TRUNCATED, "success without body");
            }
        }).isInstanceOfSatisfying(MalformedMessageException.class, e -> assertThat(e.problem()).isEqualTo(p));
    }
}
