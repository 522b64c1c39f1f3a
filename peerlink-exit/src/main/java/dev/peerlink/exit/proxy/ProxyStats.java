package dev.peerlink.exit.proxy;

import dev.peerlink.exit.wire.ExitError;
import java.util.Map;

/**
 * A snapshot of a {@link LocalProxy}'s counters.
 *
 * @param flowsOpened     flows the dialer opened and the proxy relayed, since start
 * @param flowsFailed     flows that failed to open, by reason, since start (reasons never seen are absent)
 * @param bytesUp         bytes relayed from clients toward exits
 * @param bytesDown       bytes relayed from exits to clients
 * @param openConnections client connections (SOCKS5 and HTTP) open now
 * @param openFlows       exit flows held by the proxy now (a flow outliving its connection would show here)
 * @param openUdpAssociations SOCKS5 UDP associations open now
 * @param bufferedBytes   relay bytes the proxy holds in memory now (queued toward exits or toward clients)
 */
public record ProxyStats(
        long flowsOpened,
        Map<ExitError, Long> flowsFailed,
        long bytesUp,
        long bytesDown,
        int openConnections,
        int openFlows,
        int openUdpAssociations,
        long bufferedBytes) {
    public ProxyStats {
        flowsFailed = Map.copyOf(flowsFailed);
    }

    /** Failed flows for one reason. */
    public long failed(ExitError error) {
        return flowsFailed.getOrDefault(error, 0L);
    }

    /** Failed flows for every reason. */
    public long failedTotal() {
        return flowsFailed.values().stream().mapToLong(Long::longValue).sum();
    }
}
