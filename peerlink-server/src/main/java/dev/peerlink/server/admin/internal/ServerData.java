package dev.peerlink.server.admin.internal;

import dev.peerlink.server.admin.AdminData;
import dev.peerlink.server.share.ShareService;
import dev.peerlink.server.signal.SignalServer;
import dev.peerlink.share.qos.QosPrediction;
import dev.peerlink.share.wire.ShareBody;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** {@link AdminData} of a running server: read from its signalling service (nothing when it runs none). */
public final class ServerData implements AdminData {
    private final Supplier<Optional<SignalServer>> signal;

    public ServerData(Supplier<Optional<SignalServer>> signal) {
        this.signal = signal;
    }

    @Override
    public List<Repair> recentRepairs() {
        return signal.get().flatMap(SignalServer::mappingMonitor).map(m -> m.recentRepairs().stream()
                .map(r -> new Repair(r.at(), r.protocol(), r.ttrMs())).toList()).orElse(List.of());
    }

    @Override
    public boolean sharing() {
        return share().isPresent();
    }

    @Override
    public List<QosCell> qosCells(int max) {
        return share().map(s -> s.qosCells(max).stream().map(ServerData::cell).toList()).orElse(List.of());
    }

    private static QosCell cell(QosPrediction p) {
        return new QosCell(p.cell(), p.quality(), p.score(), p.devices(), p.rttMs(), p.downMbps(), p.upMbps(), p.lossPct());
    }

    @Override
    public List<Provider> providers(int max) {
        List<Provider> out = new ArrayList<>();
        share().ifPresent(s -> {
            for (var e : s.providers()) {
                if (out.size() >= max) {
                    break;
                }
                ShareBody.Announce a = e.announce();
                if (a.location() != null) {
                    out.add(new Provider(a.location().point(), a.offer().services().stream().map(dev.peerlink.share.wire.ServiceType::wire).sorted().toList()));
                }
            }
        });
        return out;
    }

    private Optional<ShareService> share() {
        return signal.get().flatMap(SignalServer::share);
    }
}
