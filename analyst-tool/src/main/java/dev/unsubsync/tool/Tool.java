package dev.unsubsync.tool;

import dev.unsubsync.schemas.EventClasses;
import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
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
        footer = {"",
                "Exit status: 0 done, 1 the answer is no (nothing found, a group still has members), 2 bad input, 3 Kafka or the registry did not answer."})
public final class Tool implements Runnable {

    /** stdout as bytes, for output that streams (a dump); {@code null} where the caller only gave a writer. */
    private final OutputStream stdout;

    Tool(OutputStream stdout) {
        this.stdout = stdout;
    }

    OutputStream stdout() {
        return stdout;
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(new CommandLine(new Tool(null)), "name a command: dump, person, as-of, runs or replay");
    }

    public static void main(String[] args) {
        BufferedOutputStream bytes = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(bytes, StandardCharsets.UTF_8), 1 << 16));
        int status = run(bytes, out, new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true), args);
        out.flush();
        try {
            bytes.flush();
        } catch (IOException e) {
            System.err.println("error: writing stdout failed: " + e.getMessage());
            status = 2;
        }
        System.exit(status);
    }

    /** Runs one command line; the exit status. */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        return run(null, out, err, args);
    }

    private static int run(OutputStream bytes, PrintWriter out, PrintWriter err, String... args) {
        EventClasses.trust();
        CommandLine line = new CommandLine(new Tool(bytes));
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
