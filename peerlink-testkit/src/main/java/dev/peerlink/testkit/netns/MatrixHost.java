package dev.peerlink.testkit.netns;

import java.util.Objects;

/**
 * One entry of {@link NatTestBed#matrixHosts()}: host number {@code index} (0 or 1) of a matrix {@code kind}.
 * Two hosts of one kind sit behind two different routers (or are two different public hosts), so a diagonal pair
 * of the matrix is real: e.g. {@code full-cone#0} to {@code full-cone#1} crosses two full-cone NATs.
 */
public record MatrixHost(HostKind kind, int index, Host host) {
    public MatrixHost {
        Objects.requireNonNull(kind);
        Objects.requireNonNull(host);
    }

    /** {@code <kind label>#<index>}, e.g. {@code full-cone#1}, for printing matrix cells. */
    public String label() {
        return kind.label() + "#" + index;
    }

    @Override
    public String toString() {
        return label() + " " + host;
    }
}
