package dev.peerlink.turn.client;

/** 486 Allocation Quota Reached: this user holds as many allocations as the server allows. */
public final class AllocationQuotaReachedException extends TurnException {
    public AllocationQuotaReachedException(String message) {
        super(message, 486);
    }
}
