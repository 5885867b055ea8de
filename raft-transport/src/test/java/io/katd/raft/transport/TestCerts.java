package io.katd.raft.transport;

import java.io.IOException;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificate authorities and peer certificates made at test time (EC P-256, valid for a
 * day), written as PEM files the transport loads. Leaf certificates name 127.0.0.1 and
 * localhost as subject alternative names, which clients that check the server's name
 * (etcdctl) require; they serve both as server and as client certificates.
 */
public final class TestCerts {
    private static final AtomicLong SERIALS = new AtomicLong(1);

    /** A key pair and the certificate for its public key. */
    public record Issued(KeyPair keys, X509Certificate cert, X500Name name) {}

    private TestCerts() {}

    public static Issued authority(String cn) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + cn);
        return new Issued(keys, sign(name, keys, name, keys, true), name);
    }

    public static Issued issue(Issued ca, String cn) {
        KeyPair keys = keyPair();
        X500Name name = new X500Name("CN=" + cn);
        return new Issued(keys, sign(ca.name(), ca.keys(), name, keys, false), name);
    }

    /**
     * Writes {@code peer}'s certificate and key, and {@code trusted}'s certificate, into
     * {@code dir}; returns them as the transport's TLS settings.
     */
    public static NettyTransportConfig.Tls write(Path dir, String prefix, Issued peer, Issued trusted)
            throws IOException {
        Path cert = dir.resolve(prefix + "-cert.pem");
        Path key = dir.resolve(prefix + "-key.pem");
        Path ca = dir.resolve(prefix + "-ca.pem");
        pem(cert, peer.cert());
        pem(key, new JcaPKCS8Generator(peer.keys().getPrivate(), null).generate());
        pem(ca, trusted.cert());
        return new NettyTransportConfig.Tls(cert, key, ca);
    }

    private static void pem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII);
                JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(o);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
            KeyPair subjectKeys, boolean authority) {
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer,
                    BigInteger.valueOf(SERIALS.getAndIncrement()),
                    Date.from(now.minus(Duration.ofHours(1))),
                    Date.from(now.plus(Duration.ofDays(1))), subject, subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(authority));
            if (authority) {
                b.addExtension(Extension.keyUsage, true,
                        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(
                        new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth,
                            KeyPurposeId.id_kp_clientAuth}));
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(
                        new GeneralName[] {new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                            new GeneralName(GeneralName.dNSName, "localhost")}));
            }
            return new JcaX509CertificateConverter().getCertificate(b.build(
                    new JcaContentSignerBuilder("SHA256withECDSA")
                            .build(issuerKeys.getPrivate())));
        } catch (IOException | GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException(e);
        }
    }
}
