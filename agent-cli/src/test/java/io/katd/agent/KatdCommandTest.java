package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line: exit statuses and messages, without starting a member. */
class KatdCommandTest {
    @TempDir
    Path tmp;

    private record Run(int status, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cl = Katd.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int status = cl.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"init", "--help"},
                {"start", "--help"}, {"local", "--help"}, {"help", "start"}}) {
            Run r = run(args);
            assertThat(r.status()).as(String.join(" ", args)).isZero();
            assertThat(r.out()).as(String.join(" ", args)).contains("Usage: katd");
        }
        assertThat(run("start", "--help").out()).contains("--initial-cluster-token",
                "--listen-peer-urls", "--data-dir");
    }

    @Test
    void anUnknownFlagIsAUsageError() {
        Run r = run("start", "--bogus");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--bogus'");
    }

    @Test
    void aBadFlagValueIsAConfigErrorNamingTheFlag() {
        Run r = run("start", "--data-dir", tmp.toString(), "--election-timeout", "abc");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("katd: command line: --election-timeout: \"abc\" is not"
                + " a duration (use 1s, 500ms)" + System.lineSeparator());
        Run state = run("--initial-cluster-state", "sideways");
        assertThat(state.status()).isEqualTo(2);
        assertThat(state.err()).contains("--initial-cluster-state: \"sideways\" is not a"
                + " cluster state");
    }

    @Test
    void aMissingConfigFileIsAConfigError() {
        Run r = run("init", "--config", tmp.resolve("nope.kat").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("nope.kat: no such file");
    }

    @Test
    void startRefusesADirectoryWithoutAMember() {
        Path empty = tmp.resolve("empty");
        Run r = run("start", "--data-dir", empty.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("data directory " + empty.toAbsolutePath()
                + " holds no katd member");
    }

    @Test
    void initRefusesADirectoryThatHoldsAMember() throws IOException {
        Path dir = tmp.resolve("taken");
        Files.createDirectories(dir.resolve("raft"));
        Files.writeString(dir.resolve("raft").resolve("CURRENT"), "x");
        Run r = run("init", "--data-dir", dir.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("data directory " + dir.toAbsolutePath()
                + " already holds a katd member");
    }

    @Test
    void localChecksItsArguments() {
        Run r = run("local", "--nodes", "0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("--nodes: 0 is out of range");
    }
}
