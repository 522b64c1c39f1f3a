package dev.peerlink.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peerlink} command: one subcommand per job. */
@Command(name = "peerlink",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Connects any two devices, wherever they sit.",
        subcommands = {
                ServerCommand.class,
                StatusCommand.class,
                RelayCommand.class,
                StunServerCommand.class,
                NatCommand.class,
                MapCommand.class,
                PeerCommand.class,
                ConnectCommand.class,
                PairCommand.class,
                SendCommand.class,
                InboxCommand.class,
                ShareCommand.class,
                CastCommand.class,
                CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this without exiting the JVM). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.registerConverter(java.net.InetSocketAddress.class, new SocketAddressConverter(3478));
        // bad input and unreachable servers are one clear line, not a stack trace
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof java.io.IOException
                    || ex instanceof java.io.UncheckedIOException) {
                cmd.getErr().println("peerlink " + cmd.getCommandName() + ": " + ex.getMessage());
                return 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
