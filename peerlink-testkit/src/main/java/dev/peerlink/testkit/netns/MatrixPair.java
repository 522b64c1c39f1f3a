package dev.peerlink.testkit.netns;

/** An ordered cell of the connection matrix: {@code from} connects to {@code to}. See {@link NatTestBed#matrixPairs()}. */
public record MatrixPair(MatrixHost from, MatrixHost to) {
    /** Whether both ends are of the same kind (then they are different hosts behind different routers). */
    public boolean diagonal() {
        return from.kind() == to.kind();
    }

    /** {@code from -> to} by labels, e.g. {@code full-cone#0 -> full-cone#1}. */
    public String label() {
        return from.label() + " -> " + to.label();
    }

    @Override
    public String toString() {
        return label();
    }
}
