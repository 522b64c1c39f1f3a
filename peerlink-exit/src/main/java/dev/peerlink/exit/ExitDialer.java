package dev.peerlink.exit;

import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The requester side's way out: opens flows through the current best exit. The local SOCKS5 / HTTP proxy is written
 * against this; the exit pool (several providers, failover) implements it, and tests use a direct dialer.
 */
public interface ExitDialer {
    /** Opens a TCP flow to {@code host:port} (a DNS name resolved at the exit, or an IP literal). Fails with {@link ExitException}. */
    CompletableFuture<ExitFlow> open(String host, int port);

    /** Opens a UDP association; datagrams from remote hosts go to {@code fromRemote}. Fails with {@link ExitException}. */
    UdpAssociation associate(Consumer<UdpAssociation.Packet> fromRemote) throws ExitException;
}
