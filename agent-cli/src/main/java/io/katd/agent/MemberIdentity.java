package io.katd.agent;

import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Who a data directory belongs to: the cluster, this member and the members it knew when
 * it was created. Written once, atomically, to {@code member.properties} when the member
 * is created ({@code init} or a first static start), and read by every later start.
 *
 * @param clusterId the cluster's id; peers with another id are refused
 * @param clusterUid the UID {@code katd init} generated, or empty for a static bootstrap
 * @param memberId this member's id
 * @param name this member's name
 * @param founding whether this member founded the cluster (its log was bootstrapped), so
 *     that an empty log on a later start means lost data
 * @param peers every member's id and peer URL at creation, this member included
 */
record MemberIdentity(long clusterId, String clusterUid, long memberId, String name,
        boolean founding, Map<Long, Endpoint> peers) {
    static final String FILE = "member.properties";

    MemberIdentity {
        peers = java.util.Collections.unmodifiableMap(new TreeMap<>(peers));
    }

    static Path file(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    void write(Path dataDir) throws IOException {
        StringBuilder b = new StringBuilder();
        b.append("# katd member identity, written when the member was created. Do not edit.\n");
        b.append("cluster-id=").append(MemberIds.hex(clusterId)).append('\n');
        b.append("cluster-uid=").append(clusterUid).append('\n');
        b.append("member-id=").append(MemberIds.hex(memberId)).append('\n');
        b.append("name=").append(name).append('\n');
        b.append("founding=").append(founding).append('\n');
        peers.forEach((id, url) -> b.append("peer.").append(MemberIds.hex(id)).append('=')
                .append(url).append('\n'));
        AtomicFiles.write(file(dataDir), b.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the identity of the member in {@code dataDir}.
     *
     * @throws ConfigException when the directory holds no member or the file is damaged
     */
    static MemberIdentity read(Path dataDir) throws IOException {
        Path f = file(dataDir);
        String text;
        try {
            text = Files.readString(f, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException("data directory " + dataDir + " holds no katd member"
                    + " (no " + FILE + "): create one with katd init, or start with"
                    + " --initial-cluster");
        }
        Properties p = new Properties();
        p.load(new StringReader(text));
        try {
            Map<Long, Endpoint> peers = new TreeMap<>();
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("peer.")) {
                    Endpoint.Parsed url = Endpoint.parse(p.getProperty(key));
                    peers.put(MemberIds.parseHex(key.substring(5)), url.endpoint().orElseThrow(
                            () -> new IllegalArgumentException(url.problem().orElseThrow())));
                }
            }
            return new MemberIdentity(MemberIds.parseHex(required(p, "cluster-id")),
                    p.getProperty("cluster-uid", ""),
                    MemberIds.parseHex(required(p, "member-id")), required(p, "name"),
                    Boolean.parseBoolean(required(p, "founding")), peers);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(f + " is damaged: " + e.getMessage());
        }
    }

    private static String required(Properties p, String key) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("no " + key);
        }
        return v.trim();
    }

    /** Whether {@code dataDir} already holds a member (its identity or its Raft log). */
    static boolean present(Path dataDir) throws IOException {
        if (Files.exists(file(dataDir))) {
            return true;
        }
        Path raft = dataDir.resolve(Member.RAFT_DIR);
        if (!Files.isDirectory(raft)) {
            return false;
        }
        try (var s = Files.list(raft)) {
            return s.findAny().isPresent();
        }
    }
}
