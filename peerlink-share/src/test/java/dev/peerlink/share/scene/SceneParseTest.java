package dev.peerlink.share.scene;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SceneParseTest {
    @Test
    void kindsRoundTripThroughTheirWireNames() {
        for (SceneKind k : SceneKind.values()) {
            assertThat(SceneKind.fromWire(k.wire())).isEqualTo(k);
            assertThat(Scene.defaults(k).kind()).isEqualTo(k);
        }
        assertThat(SceneKind.fromWire(" Subway-Car ")).isEqualTo(SceneKind.SUBWAY_CAR);
    }

    @Test
    void unknownSceneNameListsTheValidOnes() {
        assertThatThrownBy(() -> SceneKind.fromWire("beach")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'beach'")
                .hasMessageContaining("subway-car, subway-hall, indoor, outdoor, same-network");
        assertThatThrownBy(() -> Scene.parse(null, null, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("same-network");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        assertThat(Scene.defaults(SceneKind.SUBWAY_CAR)).isEqualTo(new Scene.Box(20, 3.2, 2.6, 0));
        assertThat(Scene.defaults(SceneKind.SUBWAY_HALL)).isEqualTo(new Scene.Sphere(SceneKind.SUBWAY_HALL, 100));
        assertThat(Scene.defaults(SceneKind.INDOOR)).isEqualTo(new Scene.Sphere(SceneKind.INDOOR, 30));
        assertThat(Scene.defaults(SceneKind.OUTDOOR)).isEqualTo(new Scene.Circle(300));
        assertThat(Scene.defaults(SceneKind.SAME_NETWORK)).isEqualTo(new Scene.SameNetwork());
        assertThat(Scene.defaults(SceneKind.SAME_NETWORK).boundingRadiusMeters()).isInfinite();
    }

    @Test
    void missingOptionsTakeDefaultsAndGivenOnesApply() {
        assertThat(Scene.parse("subway-car", null, null, null)).isEqualTo(Scene.defaults(SceneKind.SUBWAY_CAR));
        assertThat(Scene.parse("subway-car", null, "40x3x2.5", 90.0)).isEqualTo(new Scene.Box(40, 3, 2.5, 90));
        assertThat(Scene.parse("subway-car", null, null, 37.0)).isEqualTo(new Scene.Box(20, 3.2, 2.6, 37));
        assertThat(Scene.parse("subway-car", null, " 20 X 3.2 x .5 ", null)).isEqualTo(new Scene.Box(20, 3.2, 0.5, 0));
        assertThat(Scene.parse("subway-hall", 250.0, null, null)).isEqualTo(new Scene.Sphere(SceneKind.SUBWAY_HALL, 250));
        assertThat(Scene.parse("indoor", null, null, null)).isEqualTo(new Scene.Sphere(SceneKind.INDOOR, 30));
        assertThat(Scene.parse("outdoor", 5000.0, null, null)).isEqualTo(new Scene.Circle(5000));
        assertThat(Scene.parse("same-network", null, null, null)).isEqualTo(new Scene.SameNetwork());
    }

    @Test
    void optionsThatDoNotApplyAreRefusedByName() {
        assertThatThrownBy(() -> Scene.parse("outdoor", null, "20x3x2", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--box").hasMessageContaining("outdoor");
        assertThatThrownBy(() -> Scene.parse("indoor", null, null, 10.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--heading").hasMessageContaining("indoor");
        assertThatThrownBy(() -> Scene.parse("subway-car", 50.0, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--radius").hasMessageContaining("subway-car");
        assertThatThrownBy(() -> Scene.parse("same-network", 50.0, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--radius");
        assertThatThrownBy(() -> Scene.parse("same-network", null, "1x1x1", null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--box");
    }

    @ParameterizedTest
    @ValueSource(doubles = {-1, 0, 5000.001, Double.NaN, Double.POSITIVE_INFINITY})
    void badRadiiAreRefused(double r) {
        assertThatThrownBy(() -> Scene.parse("outdoor", r, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("radius");
        assertThatThrownBy(() -> new Scene.Sphere(SceneKind.INDOOR, r)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"20x3", "20x3x2x1", "ax3x2", "20x3x", "NaNx3x2", "0x3x2", "501x3x2", "-1x3x2", "1e2x3x2",
            "0x1p3x3x2", "20fx3x2", "", "20x3x2 but longer than any sane box option would ever be, surely"})
    void badBoxesAreRefused(String box) {
        assertThatThrownBy(() -> Scene.parse("subway-car", null, box, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("box");
    }

    @Test
    void headingIsNormalisedAndMustBeFinite() {
        assertThat(new Scene.Box(20, 3, 2, -90).headingDeg()).isEqualTo(270);
        assertThat(new Scene.Box(20, 3, 2, 360).headingDeg()).isEqualTo(0);
        assertThat(new Scene.Box(20, 3, 2, 725).headingDeg()).isEqualTo(5);
        assertThat(new Scene.Box(20, 3, 2, -1e-20).headingDeg()).isGreaterThanOrEqualTo(0).isLessThan(360);
        assertThatThrownBy(() -> new Scene.Box(20, 3, 2, Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Scene.parse("subway-car", null, null, Double.NEGATIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("heading");
    }

    @Test
    void sphereIsOnlyForHallsAndIndoors() {
        assertThatThrownBy(() -> new Scene.Sphere(SceneKind.OUTDOOR, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("outdoor");
        assertThatThrownBy(() -> new Scene.Sphere(null, 10)).isInstanceOf(IllegalArgumentException.class);
    }
}
