package dev.peerlink.turn.client;

/**
 * 437 Allocation Mismatch: the server has no allocation for this 5-tuple (it expired or was
 * deleted), or already has one when allocating. The allocation is gone; allocate again.
 */
public final class AllocationMismatchException extends TurnException {
    public AllocationMismatchException(String message) {
        super(message, 437);
    }
}
