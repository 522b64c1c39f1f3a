package dev.peerlink.server;

import dev.peerlink.stun.server.StunServer;
import dev.peerlink.stun.server.StunServerConfig;
import java.io.IOException;

/** The rendezvous server process: owns every service it runs and closes them together. */
public final class PeerlinkServer implements AutoCloseable {
    private final StunServer stun;

    private PeerlinkServer(StunServer stun) {
        this.stun = stun;
    }

    public static PeerlinkServer start(PeerlinkServerConfig config) throws IOException, InterruptedException {
        StunServerConfig.Builder b = StunServerConfig.builder().primary(config.stunPrimary()).software("peerlink");
        config.stunAlternate().ifPresent(b::alternate);
        return new PeerlinkServer(StunServer.start(b.build()));
    }

    public StunServer stun() {
        return stun;
    }

    public String describe() {
        return "peerlink server: STUN on UDP " + stun.udpAddresses() + " TCP " + stun.tcpAddresses()
                + " (" + stun.transportName() + ")";
    }

    @Override
    public void close() {
        stun.close();
    }
}
