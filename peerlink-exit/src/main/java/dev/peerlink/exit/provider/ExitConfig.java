package dev.peerlink.exit.provider;

import dev.peerlink.exit.egress.EgressRules;
import dev.peerlink.share.wire.Limits;
import dev.peerlink.share.wire.LinkState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * How a provider serves as an exit.
 *
 * @param rules                where it may dial ({@link EgressRules}); the destination port must also be in
 *                             {@code limits.ports()} when that list is not empty
 * @param limits               the offer's limits: distinct requesters with open flows ({@code maxUsers}),
 *                             per-requester bandwidth each way ({@code bandwidthKbps}), per-requester bytes per UTC
 *                             day ({@code dailyBytes}), ports; 0 / empty = no limit
 * @param maxFlowsPerRequester concurrent TCP and UDP flows one requester may hold
 * @param connectTimeout       for resolving a name and for connecting, each
 * @param flowLogDir           where {@code flows.jsonl} and {@code usage.json} live; null = in memory only
 * @param linkState            the provider's link state for the STATE datagrams; null = not reported
 */
public record ExitConfig(EgressRules rules, Limits limits, int maxFlowsPerRequester, Duration connectTimeout,
                         Path flowLogDir, Supplier<LinkState> linkState) {
    public static final int DEFAULT_MAX_FLOWS = 64;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public ExitConfig {
        Objects.requireNonNull(rules, "rules");
        limits = limits == null ? Limits.NONE : limits;
        if (maxFlowsPerRequester < 1 || maxFlowsPerRequester > 10_000) {
            throw new IllegalArgumentException("maxFlowsPerRequester must be in [1, 10000]");
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()
                || connectTimeout.compareTo(Duration.ofMinutes(2)) > 0) {
            throw new IllegalArgumentException("connectTimeout must be in (0, 2 min]");
        }
    }

    /** {@code rules}, no limits, 64 flows per requester, 10 s connect timeout, no flow log, no link state. */
    public static ExitConfig defaults(EgressRules rules) {
        return new ExitConfig(rules, Limits.NONE, DEFAULT_MAX_FLOWS, DEFAULT_CONNECT_TIMEOUT, null, null);
    }

    public ExitConfig withRules(EgressRules r) {
        return new ExitConfig(r, limits, maxFlowsPerRequester, connectTimeout, flowLogDir, linkState);
    }

    public ExitConfig withLimits(Limits l) {
        return new ExitConfig(rules, l, maxFlowsPerRequester, connectTimeout, flowLogDir, linkState);
    }

    public ExitConfig withMaxFlowsPerRequester(int n) {
        return new ExitConfig(rules, limits, n, connectTimeout, flowLogDir, linkState);
    }

    public ExitConfig withConnectTimeout(Duration d) {
        return new ExitConfig(rules, limits, maxFlowsPerRequester, d, flowLogDir, linkState);
    }

    public ExitConfig withFlowLogDir(Path dir) {
        return new ExitConfig(rules, limits, maxFlowsPerRequester, connectTimeout, dir, linkState);
    }

    public ExitConfig withLinkState(Supplier<LinkState> s) {
        return new ExitConfig(rules, limits, maxFlowsPerRequester, connectTimeout, flowLogDir, s);
    }
}
