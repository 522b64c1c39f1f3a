package dev.peerlink.stun.server.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.peerlink.stun.StunEncoder;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.stun.StunMethod;
import dev.peerlink.stun.attribute.Software;
import dev.peerlink.stun.server.StunRequest.Protocol;
import dev.peerlink.stun.server.StunServerConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fast path must produce exactly the general path's bytes, for every layout and family. */
class FastBindingTest {
    private static final List<String> SOURCES = List.of("127.0.0.1:1", "203.0.113.77:65535", "10.1.2.3:3478",
            "[::1]:5000", "[2001:db8:1234::abcd]:40000", "[fe80::1]:1");

    @Test
    void matchesTheGeneralPathByteForByte() throws Exception {
        InetSocketAddress p4 = new InetSocketAddress(InetAddress.getByName("192.0.2.10"), 3478);
        InetSocketAddress a4 = new InetSocketAddress(InetAddress.getByName("192.0.2.20"), 3479);
        InetSocketAddress p6 = new InetSocketAddress(InetAddress.getByName("2001:db8::10"), 3478);
        InetSocketAddress a6 = new InetSocketAddress(InetAddress.getByName("2001:db8::20"), 3479);
        int compared = 0;
        for (InetSocketAddress[] pa : new InetSocketAddress[][] {{p4, null}, {p4, a4}, {p6, null}, {p6, a6}}) {
            for (String software : new String[] {null, "peerlink", "x".repeat(40)}) {
                var b = StunServerConfig.builder().primary(pa[0]);
                if (pa[1] != null) {
                    b.alternate(pa[1]);
                }
                if (software != null) {
                    b.software(software);
                }
                StunServerConfig config = b.noRateLimit().build();
                SocketLayout layout = SocketLayout.of(pa[0], pa[1]);
                StunEngine engine = new StunEngine(config, layout, new ServerCounters());
                for (int local = 0; local < layout.size(); local++) {
                    for (String s : SOURCES) {
                        InetSocketAddress source = parse(s);
                        byte[] request = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING).build());
                        ByteBuf in = Unpooled.wrappedBuffer(request);
                        assertThat(FastBinding.matches(in)).isTrue();
                        ByteBuf fast = engine.fastBinding().respond(in, source, local, UnpooledByteBufAllocator.DEFAULT);
                        Outbound general = engine.process(request, 0, request.length, source, local, Protocol.UDP);
                        assertThat(ByteBufUtil.getBytes(fast))
                                .as("%s -> %s (socket %d), software %s", s, pa[0], local, software)
                                .isEqualTo(general.bytes);
                        fast.release();
                        compared++;
                    }
                }
            }
        }
        assertThat(compared).isEqualTo(3 * SOURCES.size() * (1 + 4 + 1 + 4));
    }

    @Test
    void onlyBareBindingRequestsMatch() {
        byte[] withAttribute = StunEncoder.standard().encode(
                StunMessage.request(StunMethod.BINDING).add(new Software("x")).build());
        byte[] allocate = StunEncoder.standard().encode(StunMessage.request(StunMethod.ALLOCATE).build());
        byte[] bare = StunEncoder.standard().encode(StunMessage.request(StunMethod.BINDING).build());
        byte[] badCookie = bare.clone();
        badCookie[5] ^= 1;
        assertThat(FastBinding.matches(Unpooled.wrappedBuffer(withAttribute))).isFalse();
        assertThat(FastBinding.matches(Unpooled.wrappedBuffer(allocate))).isFalse();
        assertThat(FastBinding.matches(Unpooled.wrappedBuffer(badCookie))).isFalse();
        assertThat(FastBinding.matches(Unpooled.wrappedBuffer(bare, 0, 19))).isFalse();
        assertThat(FastBinding.matches(Unpooled.wrappedBuffer(bare))).isTrue();
    }

    private static InetSocketAddress parse(String s) throws Exception {
        int colon = s.lastIndexOf(':');
        String host = s.substring(0, colon).replace("[", "").replace("]", "");
        return new InetSocketAddress(InetAddress.getByName(host), Integer.parseInt(s.substring(colon + 1)));
    }
}
