package dev.peerlink.rtmp.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.peerlink.rtmp.RtmpException;
import dev.peerlink.rtmp.RtmpException.Reason;
import dev.peerlink.rtmp.RtmpMessage;
import dev.peerlink.rtmp.amf.Amf0;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Commands on the wire, in the byte layout ffmpeg's rtmpproto writes and parses. */
class CommandTest {
    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    static Reason reasonOf(RtmpMessage m) {
        try {
            Command.from(m);
            return null;
        } catch (RtmpException e) {
            return e.reason();
        }
    }

    @Test
    void createStreamAndItsResultHaveTheExactLayoutFfmpegReads() throws RtmpException {
        // "createStream", 2, null
        byte[] wire = hex("02 000C 63726561746553747265616D 00 4000000000000000 05");
        RtmpMessage m = NetConnection.createStream(2).toMessage(0);
        assertThat(m.typeId()).isEqualTo(20);
        assertThat(m.streamId()).isZero();
        assertThat(m.payload()).isEqualTo(wire);
        // "_result", 2, null, 1 — ffmpeg's read_number_result wants string, number, null, number
        byte[] result = hex("02 0007 5F726573756C74 00 4000000000000000 05 00 3FF0000000000000");
        assertThat(NetConnection.createStreamResult(2, 1).encode()).isEqualTo(result);
        Command back = Command.from(new RtmpMessage(20, 0, 0, result));
        assertThat(back.transactionId()).isEqualTo(2.0);
        assertThat(back.commandObject()).isNull();
        assertThat(NetConnection.streamIdOf(back)).isEqualTo(1);
    }

    @Test
    void connectRoundTripsThroughTheTypedView() throws RtmpException {
        Command c = ConnectRequest.of(1, "live", "rtmp://127.0.0.1:1935/live").toCommand();
        Command decoded = Command.from(c.toMessage(0));
        assertThat(decoded.name()).isEqualTo("connect");
        assertThat(decoded.transactionId()).isEqualTo(1.0);
        ConnectRequest req = ConnectRequest.from(decoded);
        assertThat(req.app()).isEqualTo("live");
        assertThat(req.tcUrl()).isEqualTo("rtmp://127.0.0.1:1935/live");
        assertThat(req.flashVer()).isEqualTo(ConnectRequest.FLASH_VER);
        assertThat(req.objectEncoding()).isZero();
        assertThat(req.properties()).containsEntry("fpad", false).containsEntry("capabilities", 15.0);
        assertThat(req.properties().keySet().iterator().next()).isEqualTo("app");
    }

    @Test
    void connectLikeFfmpegPublishingIsUnderstood() throws RtmpException {
        // the object ffmpeg's gen_connect writes for an output URL rtmp://host/live/key
        Map<String, Object> obj = new LinkedHashMap<>();
        obj.put("app", "live");
        obj.put("type", "nonprivate");
        obj.put("flashVer", "FMLE/3.0 (compatible; Lavf59.27.100)");
        obj.put("tcUrl", "rtmp://127.0.0.1:1935/live");
        RtmpMessage m = new RtmpMessage(20, 0, 0, Amf0.encode("connect", 1.0, obj));
        ConnectRequest req = ConnectRequest.from(Command.from(m));
        assertThat(req.app()).isEqualTo("live");
        assertThat(req.flashVer()).startsWith("FMLE/3.0");

        Command success = Command.from(NetConnection.connectSuccess(1).toMessage(0));
        assertThat(success.name()).isEqualTo("_result");
        assertThat(success.commandObject()).containsEntry("fmsVer", NetConnection.FMS_VER);
        assertThat(NetConnection.statusOf(success)).isEqualTo(Status.connectSuccess());
        assertThat(success.objectArg(0)).containsEntry("objectEncoding", 0.0);

        Command rejected = Command.from(NetConnection.connectRejected(1, "no such app").toMessage(0));
        assertThat(rejected.name()).isEqualTo("_error");
        assertThat(NetConnection.statusOf(rejected).isError()).isTrue();
        assertThat(NetConnection.statusOf(rejected).code()).isEqualTo(Status.CONNECT_REJECTED);
    }

    @Test
    void publishSequenceCommandsCarryNullThenTheStreamName() throws RtmpException {
        // ffmpeg's listening server reads: name, number, null, string — for releaseStream, FCPublish, publish, play
        for (Command c : List.of(NetConnection.releaseStream(2, "key"), NetConnection.fcPublish(3, "key"),
                NetConnection.fcUnpublish(6, "key"), NetStream.publish(5, "key"), NetStream.play(4, "key", -2000))) {
            List<Object> values = Amf0.decodeAll(c.encode());
            assertThat(values.get(2)).as(c.name()).isNull();
            assertThat(values.get(3)).as(c.name()).isEqualTo("key");
        }
        PublishRequest pub = PublishRequest.from(Command.from(NetStream.publish(5, "key?token=1").toMessage(1)));
        assertThat(pub).isEqualTo(new PublishRequest(5, "key?token=1", "live"));
        PlayRequest play = PlayRequest.from(Command.from(NetStream.play(4, "key", -2000).toMessage(1)));
        assertThat(play).isEqualTo(new PlayRequest(4, "key", -2000));
        // play without start and publish without type take the defaults
        assertThat(PlayRequest.from(Command.of("play", 4, null, "k")).start()).isEqualTo(-2.0);
        assertThat(PublishRequest.from(Command.of("publish", 4, null, "k")).type()).isEqualTo("live");
        assertThat(Command.from(NetConnection.deleteStream(7, 1).toMessage(0)).numberArg(0)).isEqualTo(1.0);
    }

    @Test
    void onStatusCarriesLevelCodeDescription() throws RtmpException {
        for (Status s : List.of(Status.publishStart("k"), Status.playStart("k"), Status.playReset("k"),
                Status.unpublishSuccess("k"), Status.publishBadName("k"), Status.playStreamNotFound("k"),
                Status.playUnpublishNotify("k"), Status.playStop("k"))) {
            RtmpMessage m = NetStream.onStatus(s).toMessage(1);
            Command c = Command.from(m);
            assertThat(c.transactionId()).isZero();
            assertThat(c.commandObject()).isNull();
            assertThat(List.copyOf(c.objectArg(0).keySet())).containsExactly("level", "code", "description");
            assertThat(NetStream.statusOf(c)).isEqualTo(s);
        }
        Command fc = Command.from(NetStream.onFcPublish("k").toMessage(0));
        assertThat(fc.name()).isEqualTo("onFCPublish");
        assertThat(fc.objectArg(0)).containsEntry("code", Status.PUBLISH_START);
    }

    @Test
    void amf3CommandWithTheFormatByteIsRead() throws RtmpException {
        byte[] amf0 = NetConnection.createStream(2).encode();
        byte[] amf3 = new byte[amf0.length + 1];
        System.arraycopy(amf0, 0, amf3, 1, amf0.length);
        assertThat(Command.from(new RtmpMessage(17, 0, 0, amf3)).name()).isEqualTo("createStream");
        amf3[0] = 0x11;
        assertThat(reasonOf(new RtmpMessage(17, 0, 0, amf3))).isEqualTo(Reason.BAD_COMMAND);
    }

    @Test
    void malformedCommandsAreBadCommandOrAnAmfReason() {
        assertThat(reasonOf(new RtmpMessage(18, 0, 0, Amf0.encode("x", 1.0)))).as("wrong type").isEqualTo(Reason.BAD_COMMAND);
        assertThat(reasonOf(new RtmpMessage(20, 0, 0, new byte[0]))).as("empty").isEqualTo(Reason.BAD_COMMAND);
        assertThat(reasonOf(new RtmpMessage(20, 0, 0, Amf0.encode(1.0, "x")))).as("swapped").isEqualTo(Reason.BAD_COMMAND);
        assertThat(reasonOf(new RtmpMessage(20, 0, 0, Amf0.encode("x")))).as("no txn").isEqualTo(Reason.BAD_COMMAND);
        assertThat(reasonOf(new RtmpMessage(20, 0, 0, Amf0.encode("x", 1.0, "obj")))).as("object").isEqualTo(Reason.BAD_COMMAND);
        assertThat(reasonOf(new RtmpMessage(20, 0, 0, hex("02 0005 6162")))).isEqualTo(Reason.TRUNCATED);
        assertThatThrownBy(() -> NetConnection.streamIdOf(NetConnection.result(2, 0.5)))
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
        assertThatThrownBy(() -> ConnectRequest.from(Command.of("connect", 1, null)))
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
        assertThatThrownBy(() -> NetStream.statusOf(Command.of("onStatus", 0, null, Map.of("level", "status"))))
                .as("no code").extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
        assertThatThrownBy(() -> NetStream.statusOf(NetConnection.createStream(1)))
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
    }

    @Test
    void dataMessagesSampleAccessAndSetDataFrame() throws RtmpException {
        RtmpMessage access = DataMessage.sampleAccess(false, false).toMessage(1, 0);
        assertThat(access.typeId()).isEqualTo(18);
        assertThat(access.payload()).isEqualTo(hex("02 0011 7C52746D7053616D706C65416363657373 01 00 01 00"));
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("width", 1280.0);
        meta.put("height", 720.0);
        RtmpMessage publisherSends = Metadata.setDataFrame(meta).toMessage(1, 0);
        byte[] flvBody = Metadata.toFlvTag(publisherSends).body();
        assertThat(flvBody).isEqualTo(Metadata.onMetaDataBody(meta));
        assertThat(Metadata.parse(flvBody)).isEqualTo(meta);
        assertThatThrownBy(() -> Metadata.toFlvTag(new RtmpMessage(18, 1, 0, Amf0.encode("@setDataFrame", 1.0))))
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
        assertThatThrownBy(() -> Metadata.parse(Amf0.encode("onCuePoint", meta)))
                .extracting(e -> ((RtmpException) e).reason()).isEqualTo(Reason.BAD_COMMAND);
    }
}
