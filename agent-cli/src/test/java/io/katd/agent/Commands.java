package io.katd.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** External commands (etcdctl, katd ctl) run to completion with a bounded wait. */
final class Commands {
    /** What a finished command printed and its exit status. */
    record Result(int exit, String out, String err) {
        Result ok() {
            assertThat(exit).as("exit status; stdout:\n" + out + "\nstderr:\n" + err)
                    .isZero();
            return this;
        }
    }

    private Commands() {}

    static Path etcdctl() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "etcdctl");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        throw new AssertionError("etcdctl is not installed (these tests run the real"
                + " binary): apt-get install -y etcd-client");
    }

    /** etcdctl (API v3) with {@code args}, stdin from {@code input}. */
    static Result etcdctl(String endpoints, String input, String... args) {
        List<String> cmd = new ArrayList<>(List.of(etcdctl().toString(), "--endpoints",
                endpoints, "--dial-timeout", "3s", "--command-timeout", "10s"));
        cmd.addAll(List.of(args));
        return run(cmd, input, Duration.ofSeconds(30));
    }

    /** katd (from the jar) with {@code args}. */
    static Result katd(String input, String... args) {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of(java.toString(), "-Xmx128m", "-jar",
                KatdProcesses.jar().toString()));
        cmd.addAll(List.of(args));
        return run(cmd, input, Duration.ofSeconds(60));
    }

    static ProcessBuilder builder(List<String> cmd) {
        ProcessBuilder b = new ProcessBuilder(cmd);
        Map<String, String> env = b.environment();
        env.put("ETCDCTL_API", "3");
        return b;
    }

    static Result run(List<String> cmd, String input, Duration timeout) {
        try {
            Path out = Files.createTempFile("cmd", ".out");
            Path err = Files.createTempFile("cmd", ".err");
            try {
                Process p = builder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                        .start();
                p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
                p.getOutputStream().close();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError(cmd + " did not finish within " + timeout
                            + "; stdout:\n" + Files.readString(out));
                }
                return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
