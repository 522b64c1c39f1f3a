package dev.peerlink.rtmp.command;

import static dev.peerlink.rtmp.RtmpException.Reason.BAD_COMMAND;

import dev.peerlink.rtmp.RtmpException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The typed view of {@code connect} (RTMP spec §7.2.1.1): the application ("live" in rtmp://host/live/key), tcUrl,
 * flashVer and objectEncoding; every other property of the command object stays available in {@link #properties()}.
 * Only AMF0 (objectEncoding 0) is supported, which every publisher and player we target uses.
 */
public record ConnectRequest(double transactionId, String app, String tcUrl, String flashVer, double objectEncoding,
                             Map<String, Object> properties) {
    public static final String NAME = "connect";
    /** What we announce, in the shape ffmpeg uses for publishing (FMLE) so servers treat us as an encoder. */
    public static final String FLASH_VER = "FMLE/3.0 (compatible; peerlink)";

    public ConnectRequest {
        properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
    }

    /** A client's connect to {@code tcUrl} (rtmp://host[:port]/app) with the capabilities librtmp and ffmpeg send. */
    public static ConnectRequest of(double transactionId, String app, String tcUrl) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("app", app);
        p.put("type", "nonprivate");
        p.put("flashVer", FLASH_VER);
        p.put("tcUrl", tcUrl);
        p.put("fpad", false);
        p.put("capabilities", 15.0);
        p.put("audioCodecs", 4071.0);
        p.put("videoCodecs", 252.0);
        p.put("videoFunction", 1.0);
        p.put("objectEncoding", 0.0);
        return new ConnectRequest(transactionId, app, tcUrl, FLASH_VER, 0, p);
    }

    /** BAD_COMMAND unless the command is connect with an object holding a string {@code app}. */
    public static ConnectRequest from(Command c) throws RtmpException {
        if (!c.is(NAME) || c.commandObject() == null || !(c.commandObject().get("app") instanceof String app)) {
            throw new RtmpException(BAD_COMMAND, "not a connect with an app: " + c.name());
        }
        Map<String, Object> p = c.commandObject();
        return new ConnectRequest(c.transactionId(), app,
                p.get("tcUrl") instanceof String s ? s : null,
                p.get("flashVer") instanceof String s ? s : null,
                p.get("objectEncoding") instanceof Double d ? d : 0,
                p);
    }

    public Command toCommand() {
        return Command.of(NAME, transactionId, new LinkedHashMap<>(properties));
    }
}
