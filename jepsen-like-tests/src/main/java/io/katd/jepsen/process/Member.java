package io.katd.jepsen.process;

/**
 * One katd member's ports on 127.0.0.1: clients, metrics, the real peer port it listens
 * on, and the port of the proxy in front of it, which is the peer URL every other member
 * knows it by.
 */
record Member(int index, String name, int clientPort, int peerPort, int proxyPort,
    int metricsPort) {

  static String url(int port) {
    return "http://127.0.0.1:" + port;
  }

  String advertisedPeerUrl() {
    return url(proxyPort);
  }

  /** The member's row in the timeline: the network is row 0. */
  int row() {
    return index + 1;
  }
}
