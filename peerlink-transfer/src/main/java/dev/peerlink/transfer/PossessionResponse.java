package dev.peerlink.transfer;

import java.util.List;

/** The prover's answer: one 32-byte digest per challenged range, in the challenge's order. */
public record PossessionResponse(List<byte[]> digests) {
    public PossessionResponse {
        digests = List.copyOf(digests);
    }
}
