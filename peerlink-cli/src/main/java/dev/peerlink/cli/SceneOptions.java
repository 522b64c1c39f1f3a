package dev.peerlink.cli;

import dev.peerlink.share.scene.Scene;
import picocli.CommandLine.Option;

/** The requester's scene: how the range around it is shaped (seed 001). */
final class SceneOptions {
    @Option(names = "--scene", paramLabel = "SCENE", required = true,
            description = "subway-car (a box), subway-hall or indoor (a sphere), outdoor (a circle), same-network.")
    String kind;

    @Option(names = "--radius", paramLabel = "M", description = "Range radius (defaults: hall 100, indoor 30, outdoor 300).")
    Double radius;

    @Option(names = "--box", paramLabel = "LxWxH", description = "subway-car: the car in metres (default 20x3.2x2.6).")
    String box;

    @Option(names = "--heading", paramLabel = "DEG", description = "subway-car: the car's heading, degrees from north.")
    Double heading;

    Scene scene() {
        return Scene.parse(kind, radius, box, heading);
    }
}
