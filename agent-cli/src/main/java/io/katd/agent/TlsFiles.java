package io.katd.agent;

import java.nio.file.Path;

/** PEM files for mutual TLS: the certificate chain, its private key and the trusted CA. */
record TlsFiles(Path certFile, Path keyFile, Path trustedCaFile) {}
