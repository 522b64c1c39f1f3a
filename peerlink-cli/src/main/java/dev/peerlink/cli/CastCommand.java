package dev.peerlink.cli;

import picocli.CommandLine.Command;

@Command(name = "cast", mixinStandardHelpOptions = true,
        description = {"Screen projection (docs/cast.md, seed 000): 'cast receive' on the PC shows a QR code and plays what",
                "arrives (web page, recording, RTMP re-serve); 'cast send' on the phone scans it and casts. When the PC's",
                "firewall blocks the phone, the PC dials back (path reverse)."},
        subcommands = {CastReceiveCommand.class, CastSendCommand.class})
final class CastCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: receive, send");
    }
}
