package io.katd.jepsen.check;

import java.util.Objects;

/**
 * One change to one key at one revision, as the committed history records it and as a watch
 * delivers it.
 *
 * @param type PUT or DELETE
 * @param key the key
 * @param value the new value of a PUT; empty for a DELETE
 * @param modRevision the revision of the change
 * @param createRevision the key's create revision (0 for a DELETE)
 * @param version the key's version after the change (0 for a DELETE)
 */
public record KvEvent(Type type, String key, String value, long modRevision,
    long createRevision, long version) {

  /** The kind of change. */
  public enum Type { PUT, DELETE }

  public KvEvent {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
  }

  public static KvEvent put(String key, String value, long modRevision, long createRevision,
      long version) {
    return new KvEvent(Type.PUT, key, value, modRevision, createRevision, version);
  }

  public static KvEvent delete(String key, long modRevision) {
    return new KvEvent(Type.DELETE, key, "", modRevision, 0, 0);
  }

  @Override
  public String toString() {
    return type == Type.PUT ? "put " + key + "=" + value + "@" + modRevision
        : "delete " + key + "@" + modRevision;
  }
}
