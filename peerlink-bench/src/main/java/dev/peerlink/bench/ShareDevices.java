package dev.peerlink.bench;

import dev.peerlink.protocol.DeviceId;
import dev.peerlink.protocol.Message;
import dev.peerlink.protocol.SignallingCodec;
import dev.peerlink.server.share.ShareService;
import java.util.HashMap;
import java.util.Map;

/**
 * The broker as the sharing service sees it, without sockets: every provider online, lookups under one monitor as
 * the real broker does them ({@code Broker.isOnline} and {@code publicKeyOf} are synchronized), and a send that
 * encodes the frame text as the connection's {@code send} does on the caller's thread, then drops it.
 */
final class ShareDevices implements ShareService.Devices {
    private static final String KEY = "MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE";

    private final SignallingCodec codec = SignallingCodec.standard();
    private final Map<DeviceId, String> online = new HashMap<>();
    private long sent, sentChars;

    synchronized void connect(String device) {
        online.put(new DeviceId(device), KEY);
    }

    @Override
    public synchronized boolean isOnline(DeviceId device) {
        return online.containsKey(device);
    }

    @Override
    public boolean send(DeviceId device, Message m) {
        String frame = codec.encode(m);
        synchronized (this) {
            if (!online.containsKey(device)) {
                return false;
            }
            sent++;
            sentChars += frame.length();
        }
        return true;
    }

    @Override
    public synchronized String publicKey(DeviceId device) {
        return online.get(device);
    }

    synchronized long sent() {
        return sent;
    }

    synchronized long sentChars() {
        return sentChars;
    }
}
