package io.katd.raft.storage;

import static org.assertj.core.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A {@link CrashChild} JVM started with this JVM's class path, whose acknowledgements
 * the test waits for (with a generous deadline) before it kills the process.
 */
final class ChildProcess {
    static final Duration TIMEOUT = Duration.ofSeconds(60);
    private static final String EOF = "\u0000eof";

    private final Process process;
    private final Path stderr;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> acks = new ArrayList<>();
    private final List<String> other = new ArrayList<>();
    private boolean ended;

    private ChildProcess(Process process, Path stderr) {
        this.process = process;
        this.stderr = stderr;
        Thread reader = new Thread(this::readLines, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    static ChildProcess start(Path stderr, String... args) throws IOException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(),
                "-cp", System.getProperty("java.class.path"),
                // A short-lived process: start fast rather than compile well.
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx256m",
                CrashChild.class.getName()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()))
                .start();
        return new ChildProcess(p, stderr);
    }

    private void readLines() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                process.getInputStream(), StandardCharsets.US_ASCII))) {
            String line;
            while ((line = r.readLine()) != null) {
                lines.add(line);
            }
        } catch (IOException e) {
            lines.add("stdout failed: " + e);
        } finally {
            lines.add(EOF);
        }
    }

    /** Waits until the child acknowledged {@code count} writes in all. */
    void awaitAcks(int count) throws InterruptedException, IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (acks.size() < count) {
            long left = deadline - System.nanoTime();
            String line = lines.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (line == null) {
                fail("no ack " + count + " within " + TIMEOUT + "; " + diagnostics());
            }
            if (!take(line)) {
                fail("the child ended after " + acks.size() + " acks, before ack " + count
                        + "; " + diagnostics());
            }
        }
    }

    /** Kills the child with SIGKILL and collects what it printed before it died. */
    void kill() throws InterruptedException, IOException {
        process.destroyForcibly();
        if (!process.waitFor(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("the child did not die within " + TIMEOUT);
        }
        while (!ended) {
            String line = lines.poll(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (line == null) {
                fail("the child's stdout did not close; " + diagnostics());
            }
            take(line);
        }
    }

    private boolean take(String line) {
        if (line.equals(EOF)) {
            ended = true;
            return false;
        }
        (line.startsWith("ack ") ? acks : other).add(line);
        return true;
    }

    /** The acknowledgement lines, in order. */
    List<String> acks() {
        return acks;
    }

    String diagnostics() throws IOException {
        return "other output " + other + ", stderr: " + Files.readString(stderr);
    }
}
