package io.katd.kv;

/** The operations a transaction branch may run. */
public enum OpType { GET, PUT, DELETE }
