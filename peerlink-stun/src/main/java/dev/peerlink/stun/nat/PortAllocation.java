package dev.peerlink.stun.nat;

import java.util.List;
import java.util.Optional;

/**
 * How the NAT picks external ports for new mappings, judged from a handful of bindings made from
 * fresh local ports: PRESERVING keeps the local port, SEQUENTIAL steps by a constant delta,
 * RANDOM neither. Later issues use this to predict ports before birthday punching.
 */
public record PortAllocation(Pattern pattern, Optional<Integer> delta, List<Integer> localPorts, List<Integer> mappedPorts) {
    public enum Pattern {
        PRESERVING("preserving"),
        SEQUENTIAL("sequential"),
        RANDOM("random"),
        UNKNOWN("unknown");

        private final String label;

        Pattern(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public PortAllocation {
        localPorts = List.copyOf(localPorts);
        mappedPorts = List.copyOf(mappedPorts);
    }

    /** Largest step between consecutive mapped ports still called sequential. */
    public static final int MAX_SEQUENTIAL_DELTA = 16;

    /** Judges the pattern from bindings made in order; needs at least three to tell. */
    public static PortAllocation judge(List<Integer> localPorts, List<Integer> mappedPorts) {
        if (mappedPorts.size() < 3 || localPorts.size() != mappedPorts.size()) {
            return new PortAllocation(Pattern.UNKNOWN, Optional.empty(), localPorts, mappedPorts);
        }
        if (localPorts.equals(mappedPorts)) {
            return new PortAllocation(Pattern.PRESERVING, Optional.empty(), localPorts, mappedPorts);
        }
        int delta = mappedPorts.get(1) - mappedPorts.get(0);
        boolean constant = delta != 0 && Math.abs(delta) <= MAX_SEQUENTIAL_DELTA;
        for (int i = 2; constant && i < mappedPorts.size(); i++) {
            constant = mappedPorts.get(i) - mappedPorts.get(i - 1) == delta;
        }
        return constant
                ? new PortAllocation(Pattern.SEQUENTIAL, Optional.of(delta), localPorts, mappedPorts)
                : new PortAllocation(Pattern.RANDOM, Optional.empty(), localPorts, mappedPorts);
    }
}
