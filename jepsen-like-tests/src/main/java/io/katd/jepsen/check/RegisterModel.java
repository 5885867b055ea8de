package io.katd.jepsen.check;

import java.util.List;
import java.util.Objects;

/**
 * A single read/write/compare-and-set register, as in Jepsen's etcd test.
 *
 * <p>{@code read} returns the value ({@code nil} when never set), {@code write v} sets it,
 * {@code cas [expected new]} sets it only when it holds {@code expected}. An ok cas
 * succeeded; a cas whose comparison failed is reported as fail and never reaches the model.
 * The register starts unset.
 */
public final class RegisterModel implements Model<RegisterModel.Cell> {

  /** The register's content; a null value means "not set". */
  public record Cell(Object value) {
    @Override
    public String toString() {
      return Values.show(value);
    }
  }

  private static final Cell UNSET = new Cell(null);

  @Override
  public String name() {
    return "register";
  }

  @Override
  public Cell initialState() {
    return UNSET;
  }

  @Override
  public void validate(Operation op) {
    switch (op.f()) {
      case "read", "write" -> { }
      case "cas" -> {
        if (!(op.value() instanceof List<?> pair) || pair.size() != 2) {
          throw new IllegalArgumentException("cas needs [expected new], got " + op);
        }
      }
      default -> throw new IllegalArgumentException("register has no function " + op);
    }
  }

  @Override
  public Cell step(Cell state, Operation op) {
    return switch (op.f()) {
      case "read" -> Objects.equals(state.value(), op.result()) ? state : null;
      case "write" -> new Cell(op.value());
      case "cas" -> {
        List<?> pair = (List<?>) op.value();
        // Both for ok and unknown: a cas that did anything found the expected value.
        yield Objects.equals(state.value(), pair.get(0)) ? new Cell(pair.get(1)) : null;
      }
      default -> throw new IllegalArgumentException("register has no function " + op);
    };
  }

  @Override
  public boolean isReadOnly(Operation op) {
    return op.f().equals("read");
  }
}
