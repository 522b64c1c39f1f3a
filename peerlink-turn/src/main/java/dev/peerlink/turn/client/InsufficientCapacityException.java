package dev.peerlink.turn.client;

/** 508 Insufficient Capacity: the server is out of relay ports or channels; try another server or later. */
public final class InsufficientCapacityException extends TurnException {
    public InsufficientCapacityException(String message) {
        super(message, 508);
    }
}
