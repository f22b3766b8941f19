package dev.unsubsync.deploy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The runnable examples of a Markdown document: each fenced block whose first line is {@code # example: <name>} (bash,
 * python) or {@code // example: <name>} (js), run as written with the given environment, so a document's examples
 * cannot rot unnoticed.
 */
final class DocExamples {

    /** One example as the document gives it. */
    record Example(String name, String language, String code) {
    }

    /** What running one example gave. */
    record Outcome(Example example, int status, String output) {
    }

    private static final Pattern BLOCK = Pattern.compile("```(bash|python|js)\\n(?:#|//) example: ([a-z0-9-]+)\\n(.*?)```", Pattern.DOTALL);

    private DocExamples() {
    }

    static List<Example> of(Path document) throws IOException {
        List<Example> examples = new ArrayList<>();
        Matcher block = BLOCK.matcher(Files.readString(document, StandardCharsets.UTF_8));
        while (block.find()) {
            examples.add(new Example(block.group(2), block.group(1), block.group(3)));
        }
        return examples;
    }

    /**
     * Runs one example in {@code directory} (its working directory; js examples resolve packages from
     * {@code nodeModules}), stopped after {@code seconds}.
     */
    static Outcome run(Example example, Path directory, Path nodeModules, Map<String, String> environment, long seconds)
            throws IOException, InterruptedException {
        Files.createDirectories(directory);
        Path link = directory.resolve("node_modules");
        if (!Files.exists(link)) {
            Files.createSymbolicLink(link, nodeModules.toAbsolutePath());
        }
        String extension = switch (example.language()) {
            case "bash" -> "sh";
            case "python" -> "py";
            default -> "mjs";
        };
        Path file = directory.resolve(example.name() + "." + extension);
        Files.writeString(file, example.code(), StandardCharsets.UTF_8);
        List<String> command = switch (example.language()) {
            case "bash" -> List.of("bash", "-euo", "pipefail", file.toString());
            // Debian's interpreter, where python3-confluent-kafka lives (a pyenv python3 may come first on PATH).
            case "python" -> List.of(Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3", file.toString());
            default -> List.of("node", file.toString());
        };
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
        builder.environment().putAll(environment);
        Path log = directory.resolve(example.name() + ".log");
        builder.redirectOutput(log.toFile());
        Process process = builder.start();
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Outcome(example, -1, "still running after " + seconds + " s\n" + Files.readString(log));
        }
        String output = Files.readString(log);
        if (example.language().equals("python") && output.contains("No module named 'confluent_kafka'")) {
            output += "\n(install confluent-kafka for " + command.getFirst() + ": Debian's python3-confluent-kafka, or pip install confluent-kafka)";
        }
        return new Outcome(example, process.exitValue(), output);
    }
}
