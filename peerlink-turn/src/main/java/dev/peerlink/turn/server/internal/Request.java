package dev.peerlink.turn.server.internal;

import dev.peerlink.stun.StunAttribute;
import dev.peerlink.stun.StunMessage;
import dev.peerlink.turn.server.Refusal;
import io.netty.buffer.Unpooled;
import java.util.List;

/** An authenticated TURN request being handled: the message, where it came from, and how to answer it. */
final class Request {
    final StunMessage msg;
    final ClientLink link;
    final Authenticator.Ok auth;
    final long now;
    private final Counters counters;

    Request(StunMessage msg, ClientLink link, Authenticator.Ok auth, long now, Counters counters) {
        this.msg = msg;
        this.link = link;
        this.auth = auth;
        this.now = now;
        this.counters = counters;
    }

    void reply(byte[] bytes) {
        link.writeAndFlush(Unpooled.wrappedBuffer(bytes));
    }

    void succeed(StunAttribute... attributes) {
        reply(Replies.success(msg, auth.protection(), attributes));
    }

    /** Error response, integrity-protected: the request was authenticated, so the client can trust the refusal. */
    void fail(int code, Refusal reason) {
        fail(code, reason, List.of());
    }

    void fail(int code, Refusal reason, List<StunAttribute> extra) {
        counters.refused(reason);
        reply(Replies.error(msg, code, auth.protection(), extra));
    }

    <T extends StunAttribute> List<T> all(Class<T> type) {
        return msg.attributes().stream().filter(type::isInstance).map(type::cast).toList();
    }
}
