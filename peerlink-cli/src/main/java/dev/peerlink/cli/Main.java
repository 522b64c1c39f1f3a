package dev.peerlink.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code peerlink} command: one subcommand per job. */
@Command(name = "peerlink",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Connects any two devices, wherever they sit.")
public final class Main implements Runnable {
    /** The subcommands, in the order the help lists them. */
    static final List<String> COMMANDS = List.of("server", "status", "relay", "stun-server", "nat", "map", "peer",
            "connect", "pair", "send", "inbox", "share", "cast");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        PhaseLog.mainEnteredMillis = System.currentTimeMillis();
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code (tests call this without exiting the JVM). */
    public static int run(String... args) {
        CommandLine cl = new CommandLine(new Main());
        // Only the command being run is built: picocli reads every option of every command it is given, which took
        // 0.5-1 s of a short command's start (connect). Help, errors and unknown names get them all.
        Object only = args.length > 0 ? command(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(only);
        } else {
            COMMANDS.forEach(name -> cl.addSubcommand(command(name)));
        }
        cl.addSubcommand(new CommandLine.HelpCommand());
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

    /** A new instance of the command named {@code name}, null when there is none (each class loads only when named). */
    static Object command(String name) {
        return switch (name) {
            case "server" -> new ServerCommand();
            case "status" -> new StatusCommand();
            case "relay" -> new RelayCommand();
            case "stun-server" -> new StunServerCommand();
            case "nat" -> new NatCommand();
            case "map" -> new MapCommand();
            case "peer" -> new PeerCommand();
            case "connect" -> new ConnectCommand();
            case "pair" -> new PairCommand();
            case "send" -> new SendCommand();
            case "inbox" -> new InboxCommand();
            case "share" -> new ShareCommand();
            case "cast" -> new CastCommand();
            default -> null;
        };
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
