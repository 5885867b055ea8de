package io.katd.agent;

/** Whether a member founds a new cluster or joins one that exists. */
enum ClusterState {
    NEW, EXISTING;

    String text() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
