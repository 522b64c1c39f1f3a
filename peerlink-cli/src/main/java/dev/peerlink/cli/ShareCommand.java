package dev.peerlink.cli;

import picocli.CommandLine.Command;

@Command(name = "share", mixinStandardHelpOptions = true,
        description = {"Network sharing (docs/sharing.md): find nearby devices that share their internet access, offer",
                "yours, record indoor radio-map points, and ask the QoS map."},
        subcommands = {ShareOfferCommand.class, ShareFindCommand.class, ShareUseCommand.class, ShareSurveyCommand.class, ShareQosCommand.class})
final class ShareCommand implements Runnable {
    @Override
    public void run() {
        throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "name a subcommand: offer, find, survey, qos");
    }
}
