package io.katd.jepsen.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Histories produced by a real register under random concurrency are linearizable, and one
 * read changed to a value nobody wrote makes them not linearizable.
 *
 * <p>Each client runs its operations one after another with random gaps and durations; each
 * operation takes effect on a real register at a random instant strictly inside its interval,
 * which is exactly what linearizability promises. A cas whose comparison fails reports fail.
 * A timed-out operation reports info and took effect inside its interval or not at all.
 */
class RegisterLinearizabilityProperties {
  private static final int CLIENTS = 5;
  // Arguments stay in 0..4, so a read of 99 can only be a lie.
  private static final long NEVER_WRITTEN = 99;

  /**
   * One planned operation; the simulation decides its result. {@code fate} 0 and 1 time
   * out (1 after taking effect), so about one operation in ten has an unknown outcome.
   */
  record Planned(int client, int kind, int a, int b, int gap, int length, int point,
      int fate) {
    boolean timesOut() {
      return fate < 2;
    }
  }

  /** An operation after the run: its interval, its instant, and what the client saw. */
  record Ran(int client, String f, Object argument, long invoke, long complete,
      long instant, boolean tookEffect, EventType outcome, Object result) {}

  @Provide
  Arbitrary<Planned> planned() {
    return Combinators.combine(
        Arbitraries.integers().between(0, CLIENTS - 1),
        Arbitraries.integers().between(0, 2),
        Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 4),
        Arbitraries.integers().between(0, 6),
        Arbitraries.integers().between(1, 12),
        Arbitraries.integers().between(0, 999),
        Arbitraries.integers().between(0, 19))
        .as(Planned::new);
  }

  @Property(tries = 1000)
  void realRegisterHistoriesAreLinearizable(
      @ForAll @Size(min = 1, max = 50) List<@From("planned") Planned> plan) {
    History history = toHistory(run(plan), -1);
    CheckResult result = check(history);
    assertThat(result.verdict()).as("%s%n%s", result.describe(), history.events())
        .isEqualTo(Verdict.LINEARIZABLE);
  }

  @Property(tries = 1000)
  void aReadOfANeverWrittenValueIsNotLinearizable(
      @ForAll @Size(min = 1, max = 50) List<@From("planned") Planned> plan,
      @ForAll @IntRange(min = 0, max = 1000) int pick) {
    List<Ran> ran = run(plan);
    List<Integer> okReads = new ArrayList<>();
    for (int i = 0; i < ran.size(); i++) {
      if (ran.get(i).f().equals("read") && ran.get(i).outcome() == EventType.OK) {
        okReads.add(i);
      }
    }
    History history = toHistory(ran, okReads.get(pick % okReads.size()));
    CheckResult result = check(history);
    assertThat(result.verdict()).as("%s%n%s", result.describe(), history.events())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(result.violation().orElseThrow().linearizedPrefix()).hasSizeLessThan(ran.size());
  }

  @Property(tries = 200)
  void generatedHistoriesSurviveTheJsonlFormat(
      @ForAll @Size(min = 1, max = 50) List<@From("planned") Planned> plan) throws IOException {
    History history = toHistory(run(plan), -1);
    StringWriter out = new StringWriter();
    JsonlHistory.write(history.events(), out);
    History back = JsonlHistory.read("generated.jsonl", new StringReader(out.toString()));
    assertThat(back.events()).isEqualTo(history.events());
    assertThat(back.operations()).isEqualTo(history.operations());
  }

  private static CheckResult check(History history) {
    // Far beyond what 50 operations of 5 clients need; UNKNOWN would fail the property.
    return LinearizabilityChecker.check(history, new RegisterModel(),
        Budget.ofSteps(20_000_000));
  }

  /** Runs the plan against a real register; a final read by its own client closes it. */
  static List<Ran> run(List<Planned> plan) {
    List<Ran> ran = new ArrayList<>();
    long[] freeAt = new long[CLIENTS + 1];
    for (Planned p : plan) {
      ran.add(schedule(p, freeAt));
    }
    long end = ran.stream().mapToLong(Ran::complete).max().orElse(0);
    ran.add(schedule(new Planned(CLIENTS, 0, 0, 0, 0, 1, 500, 2),
        new long[] {0, 0, 0, 0, 0, end + 1}));
    return effects(ran);
  }

  // Times are multiples of 1000 plus the client, so that no two events share an instant.
  private static Ran schedule(Planned p, long[] freeAt) {
    long start = freeAt[p.client()] + p.gap() + 1;
    long stop = start + p.length();
    freeAt[p.client()] = stop;
    long invoke = start * 1000 + p.client();
    long complete = stop * 1000 + p.client();
    long instant = invoke + 1 + (long) p.point() * (complete - invoke - 1) / 1000;
    String f = switch (p.kind()) {
      case 0 -> "read";
      case 1 -> "write";
      default -> "cas";
    };
    Object argument = switch (p.kind()) {
      case 0 -> null;
      case 1 -> (long) p.a();
      default -> List.of((long) p.a(), (long) p.b());
    };
    boolean effect = p.fate() != 0;
    EventType outcome = p.timesOut() ? EventType.INFO : EventType.OK;
    return new Ran(p.client(), f, argument, invoke, complete, instant, effect, outcome, null);
  }

  /** Applies the operations to one register in the order of their instants. */
  private static List<Ran> effects(List<Ran> ran) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < ran.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparingLong(i -> ran.get(i).instant()));
    Object register = null;
    List<Ran> done = new ArrayList<>(ran);
    for (int i : order) {
      Ran op = ran.get(i);
      Object result = op.argument();
      EventType outcome = op.outcome();
      if (op.tookEffect()) {
        switch (op.f()) {
          case "read" -> result = register;
          case "write" -> register = op.argument();
          default -> {
            List<?> pair = (List<?>) op.argument();
            if (Objects.equals(register, pair.get(0))) {
              register = pair.get(1);
            } else if (outcome == EventType.OK) {
              outcome = EventType.FAIL;
            }
          }
        }
      }
      done.set(i, new Ran(op.client(), op.f(), op.argument(), op.invoke(), op.complete(),
          op.instant(), op.tookEffect(), outcome, result));
    }
    return done;
  }

  /** Events in time order; the read at index {@code lie} (if any) returns NEVER_WRITTEN. */
  static History toHistory(List<Ran> ran, int lie) {
    List<long[]> timeline = new ArrayList<>();
    for (int i = 0; i < ran.size(); i++) {
      timeline.add(new long[] {ran.get(i).invoke(), i, 0});
      timeline.add(new long[] {ran.get(i).complete(), i, 1});
    }
    timeline.sort(Comparator.comparingLong(e -> e[0]));
    List<Event> events = new ArrayList<>();
    for (long[] e : timeline) {
      Ran op = ran.get((int) e[1]);
      if (e[2] == 0) {
        events.add(new Event(op.client(), EventType.INVOKE, op.f(), null, op.argument(),
            e[0]));
      } else {
        Object result = e[1] == lie ? NEVER_WRITTEN : op.result();
        Object shown = op.outcome() == EventType.INFO ? ":timed-out" : result;
        events.add(new Event(op.client(), op.outcome(), op.f(), null, shown, e[0]));
      }
    }
    return History.of("generated", events);
  }
}
