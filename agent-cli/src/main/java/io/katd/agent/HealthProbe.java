package io.katd.agent;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Asks a member's /health, as operators and {@code katd local} do. */
final class HealthProbe {
    private static final Pattern LEADER = Pattern.compile("\"leader\":\"([0-9a-f]*)\"");
    private static final Pattern TERM = Pattern.compile("\"term\":(\\d+)");
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofMillis(500)).build();

    /** A /health answer: its status, leader id (0 for none) and term. */
    record Answer(int status, long leader, long term, String body) {
        boolean healthy() {
            return status == 200;
        }
    }

    /** The answer of {@code base}/health, or empty when the member does not answer. */
    Optional<Answer> ask(String base) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/health"))
                .timeout(Duration.ofSeconds(1)).GET().build();
        try {
            HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
            Matcher l = LEADER.matcher(r.body());
            Matcher t = TERM.matcher(r.body());
            long leader = l.find() && !l.group(1).isEmpty() ? MemberIds.parseHex(l.group(1)) : 0;
            long term = t.find() ? Long.parseLong(t.group(1)) : 0;
            return Optional.of(new Answer(r.statusCode(), leader, term, r.body()));
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
