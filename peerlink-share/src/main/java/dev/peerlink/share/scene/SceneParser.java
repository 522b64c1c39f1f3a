package dev.peerlink.share.scene;

import java.util.regex.Pattern;

/** {@link Scene#parse}: CLI options to a scene, refusing options the chosen kind does not take. */
final class SceneParser {
    private static final int MAX_BOX_TEXT = 64;
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d*)?|\\.\\d+");

    private SceneParser() {
    }

    static Scene parse(String kindName, Double radiusM, String box, Double headingDeg) {
        SceneKind kind = SceneKind.fromWire(kindName);
        Scene defaults = Scene.defaults(kind);
        return switch (defaults) {
            case Scene.Box d -> {
                refuse(radiusM != null, "--radius", kind, "use --box LxWxH");
                double[] lwh = box == null ? new double[] {d.lengthM(), d.widthM(), d.heightM()} : parseBox(box);
                yield new Scene.Box(lwh[0], lwh[1], lwh[2], headingDeg == null ? d.headingDeg() : headingDeg);
            }
            case Scene.Sphere d -> {
                refuseBoxAndHeading(box, headingDeg, kind);
                yield new Scene.Sphere(kind, radiusM == null ? d.radiusM() : radiusM);
            }
            case Scene.Circle d -> {
                refuseBoxAndHeading(box, headingDeg, kind);
                yield new Scene.Circle(radiusM == null ? d.radiusM() : radiusM);
            }
            case Scene.SameNetwork d -> {
                refuse(radiusM != null, "--radius", kind, "it matches by network, not distance");
                refuseBoxAndHeading(box, headingDeg, kind);
                yield d;
            }
        };
    }

    /** {@code LxWxH} in metres, e.g. {@code 20x3.2x2.6}. */
    static double[] parseBox(String text) {
        String usage = "--box takes LENGTHxWIDTHxHEIGHT in metres, e.g. 20x3.2x2.6, got '" + text + "'";
        if (text.length() > MAX_BOX_TEXT) {
            throw new IllegalArgumentException(usage);
        }
        String[] parts = text.trim().split("\\s*[xX]\\s*", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException(usage);
        }
        double[] out = new double[3];
        for (int i = 0; i < 3; i++) {
            if (!DECIMAL.matcher(parts[i]).matches()) { // no NaN, hex floats or 1e9 through Double.parseDouble
                throw new IllegalArgumentException(usage);
            }
            out[i] = Double.parseDouble(parts[i]);
        }
        return out; // range checks are the Box constructor's
    }

    private static void refuseBoxAndHeading(String box, Double headingDeg, SceneKind kind) {
        refuse(box != null, "--box", kind, "only subway-car is a box");
        refuse(headingDeg != null, "--heading", kind, "only subway-car has a heading");
    }

    private static void refuse(boolean given, String option, SceneKind kind, String hint) {
        if (given) {
            throw new IllegalArgumentException(option + " does not apply to scene " + kind.wire() + " (" + hint + ")");
        }
    }
}
