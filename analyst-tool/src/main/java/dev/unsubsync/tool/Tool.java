package dev.unsubsync.tool;

import dev.unsubsync.schemas.EventClasses;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The analysts' command line: reads Kafka and the registry only (no service needs to be up) and never writes to a
 * topic. {@code ./run tool <command> …}; {@code ./run tool --help} lists the commands.
 */
@Command(name = "unsubsync-tool", mixinStandardHelpOptions = true, version = "unsubsync-tool 0.1.0",
        subcommands = {DumpCommand.class, PersonCommand.class, AsOfCommand.class, RunsCommand.class, ReplayCommand.class},
        description = "Answers from the topics alone: dump a topic, a person's timeline, who was unsubscribed at an instant, the nightly runs, "
                + "and moving a consumer group to a time (replay).",
        footer = {"", "Exit status: 0 done, 1 the answer is no (nothing found, a group still has members), 2 bad input, 3 Kafka or the registry did not answer."})
public final class Tool implements Runnable {

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(this), "name a command: dump, person, as-of, runs or replay");
    }

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16));
        int status = run(out, new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
        out.flush();
        System.exit(status);
    }

    /** Runs one command line; the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        EventClasses.trust();
        CommandLine line = new CommandLine(new Tool());
        line.setOut(out);
        line.setErr(err);
        line.setCaseInsensitiveEnumValuesAllowed(true);
        line.setExecutionExceptionHandler((e, command, parsed) -> {
            if (e instanceof ToolException failure) {
                command.getErr().println("error: " + failure.getMessage());
                return failure.exitCode();
            }
            if (e instanceof CommandLine.ParameterException bad) {
                command.getErr().println("error: " + bad.getMessage());
                return 2;
            }
            command.getErr().println("error: " + e);
            return 3;
        });
        int status = line.execute(args);
        out.flush();
        err.flush();
        return status;
    }
}
