package dev.peerlink.server.cluster;

import dev.peerlink.protocol.DeviceId;
import java.util.Collection;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Which server instance holds each device's signalling connection. The single-process server has one instance and
 * no shared presence: {@link #LOCAL} knows nothing beyond the broker's own connections.
 */
public interface Presence {
    /** Marks {@code device} as held here; completes with the instance that held it before (null: none or this one). */
    CompletableFuture<String> claim(DeviceId device);

    /** Keeps the entry of a device held here alive (its heartbeat). */
    void refresh(DeviceId device);

    /** Drops the entry of a device whose connection here closed, unless another instance has claimed it since. */
    void release(DeviceId device);

    /** The instance holding {@code device}, or null when none does (offline). */
    CompletableFuture<String> locate(DeviceId device);

    /** Where the devices held here come from, to publish them again after the presence store lost them. */
    default void republishFrom(Supplier<Collection<DeviceId>> localDevices) {}

    Presence LOCAL = new Presence() {
        @Override
        public CompletableFuture<String> claim(DeviceId device) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void refresh(DeviceId device) {}

        @Override
        public void release(DeviceId device) {}

        @Override
        public CompletableFuture<String> locate(DeviceId device) {
            return CompletableFuture.completedFuture(null);
        }
    };
}
