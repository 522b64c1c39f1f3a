package dev.peerlink.exit.proxy.internal;

import dev.peerlink.exit.ExitFlow;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/** A flow the proxy owns: closing it (once, from any thread) removes it from the proxy's open flows. */
final class TrackedFlow implements ExitFlow {
    private final ExitFlow flow;
    private final Consumer<TrackedFlow> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    TrackedFlow(ExitFlow flow, Consumer<TrackedFlow> onClose) {
        this.flow = flow;
        this.onClose = onClose;
    }

    @Override
    public InputStream input() {
        return flow.input();
    }

    @Override
    public OutputStream output() {
        return flow.output();
    }

    @Override
    public String exit() {
        return flow.exit();
    }

    @Override
    public String bound() {
        return flow.bound();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                flow.close();
            } catch (RuntimeException ignored) {
                // the flow is gone either way
            } finally {
                onClose.accept(this);
            }
        }
    }
}
