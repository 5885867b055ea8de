package io.katd.raft.scenario;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs every scenario file under {@code src/test/resources/scenarios}, one dynamic test
 * per file. With {@code -Dscenario.rewrite=true} the expected outputs are regenerated
 * into the source tree instead of checked; review the diff before committing it.
 */
class ScenarioTest {
    private static final String RESOURCE_DIR = "/scenarios";
    // Surefire runs in the module directory, so this is the source of the resources.
    private static final Path SOURCE_DIR = Path.of("src/test/resources/scenarios");

    @TestFactory
    Stream<DynamicTest> scenarios() throws IOException, URISyntaxException {
        URL url = ScenarioTest.class.getResource(RESOURCE_DIR);
        if (url == null) {
            throw new AssertionError("no scenario directory " + RESOURCE_DIR + " on the classpath");
        }
        Path dir = Path.of(url.toURI());
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new AssertionError("no scenario files in " + dir);
        }
        boolean rewrite = Boolean.getBoolean("scenario.rewrite");
        return files.stream().map(f -> DynamicTest.dynamicTest(
                f.getFileName().toString(), f.toUri(), () -> run(f, rewrite)));
    }

    private static void run(Path file, boolean rewrite) throws IOException {
        String name = file.getFileName().toString();
        ScenarioFile scenario = ScenarioFile.parse(name,
                Files.readString(file, StandardCharsets.UTF_8));
        ScenarioCommands commands = new ScenarioCommands();
        List<String> outputs = new ArrayList<>();
        for (ScenarioFile.Case c : scenario.cases()) {
            String actual = commands.run(c.command());
            outputs.add(actual);
            if (!rewrite && !actual.equals(c.expected())) {
                throw new AssertionError(mismatch(name, c, actual));
            }
        }
        if (rewrite) {
            Path target = SOURCE_DIR.resolve(name);
            if (!Files.isDirectory(SOURCE_DIR)) {
                throw new AssertionError("rewrite needs to run in the raft-core module directory;"
                        + " not found: " + SOURCE_DIR.toAbsolutePath());
            }
            Files.writeString(target, scenario.render(outputs), StandardCharsets.UTF_8);
        }
    }

    private static String mismatch(String name, ScenarioFile.Case c, String actual) {
        StringBuilder sb = new StringBuilder();
        sb.append(name).append(':').append(c.line()).append(": output differs for command\n")
                .append("  ").append(c.command()).append('\n')
                .append("expected:\n").append(c.expected()).append('\n')
                .append("actual:\n").append(actual).append('\n')
                .append("diff (- expected, + actual):\n");
        for (String l : LineDiff.diff(lines(c.expected()), lines(actual))) {
            sb.append(l).append('\n');
        }
        return sb.append("(run with -Dscenario.rewrite=true to regenerate, then review)")
                .toString();
    }

    private static List<String> lines(String s) {
        return s.isEmpty() ? List.of() : List.of(s.split("\n", -1));
    }
}
