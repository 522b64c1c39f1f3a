package dev.peerlink.exit.provider;

import dev.peerlink.exit.wire.ExitError;
import java.util.Map;

/**
 * What an exit has carried since it started, for reporting.
 *
 * @param flowsOpened  TCP flows opened plus UDP flows created
 * @param refused      flows (and UDP datagrams) refused or failed, by reason
 * @param bytesUp      requester → destination
 * @param bytesDown    destination → requester
 * @param activeFlows  flows open now
 * @param activeUsers  distinct requesters with a flow open now
 * @param usageToday   bytes per requester this UTC day (both directions; survives a restart with a flow log dir)
 */
public record ExitStats(long flowsOpened, Map<ExitError, Long> refused, long bytesUp, long bytesDown, int activeFlows,
                        int activeUsers, Map<String, Long> usageToday) {
    public ExitStats {
        refused = Map.copyOf(refused);
        usageToday = Map.copyOf(usageToday);
    }

    public long refused(ExitError e) {
        return refused.getOrDefault(e, 0L);
    }
}
