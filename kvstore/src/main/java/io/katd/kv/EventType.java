package io.katd.kv;

/** What happened to a key in a {@link WatchEvent}. */
public enum EventType { PUT, DELETE }
