package io.katd.agent;

import io.katd.agent.ClusterConfig.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Reads cluster.kat into a {@link ClusterConfig.Builder}, walking the YAML node tree so
 * that every error names the file, the line and the field path:
 * {@code cluster.kat:12: spec.electionTimeout: "abc" is not a duration (use 1s, 500ms)}.
 * Unknown fields, values of the wrong type and invalid values are all rejected.
 */
final class ClusterConfigParser {
    private final String label;
    private final ClusterConfig.Builder builder = ClusterConfig.builder();

    private ClusterConfigParser(String label) {
        this.label = label;
    }

    /** Parses the file at {@code file}; errors name it as given. */
    static ClusterConfig.Builder parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
        return parse(file.toString(), text);
    }

    /** Parses {@code text}, naming it {@code label} in errors. */
    static ClusterConfig.Builder parse(String label, String text) {
        ClusterConfigParser p = new ClusterConfigParser(label);
        Node root;
        try {
            LoadSettings settings = LoadSettings.builder().setLabel(label)
                    .setAllowDuplicateKeys(false).build();
            root = new Compose(settings).composeString(text).orElseThrow(
                    () -> new ConfigException(label + ": the file is empty"));
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(1);
            throw new ConfigException(label + ":" + line + ": not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ConfigException(label + ": not valid YAML: " + e.getMessage());
        }
        p.document(root);
        return p.builder;
    }

    private void document(Node root) {
        Map<String, BiConsumer<Node, String>> fields = new LinkedHashMap<>();
        fields.put("apiVersion", (n, path) -> expect(n, path, ClusterConfig.API_VERSION));
        fields.put("kind", (n, path) -> expect(n, path, ClusterConfig.KIND));
        fields.put("metadata", this::metadata);
        fields.put("spec", this::spec);
        mapping(root, "", fields, Set.of("apiVersion", "kind", "spec"));
    }

    private void expect(Node n, String path, String wanted) {
        String v = string(n, path);
        if (!v.equals(wanted)) {
            throw error(n, path, Cidrs.quote(v) + " is not supported (use " + wanted + ")");
        }
    }

    private void metadata(Node node, String path) {
        mapping(node, path, Map.of("name", (n, p) -> builder.clusterName(string(n, p),
                source(n, p))), Set.of());
    }

    private void spec(Node node, String path) {
        Map<String, BiConsumer<Node, String>> f = new LinkedHashMap<>();
        ClusterConfig.Builder b = builder;
        f.put("name", (n, p) -> b.name(string(n, p), source(n, p)));
        f.put("dataDir", (n, p) -> b.dataDir(Path.of(string(n, p)), source(n, p)));
        f.put("clusterCIDR", (n, p) -> b.clusterCidr(string(n, p), source(n, p)));
        f.put("serviceCIDR", (n, p) -> b.serviceCidr(string(n, p), source(n, p)));
        f.put("apiPort", (n, p) -> b.apiPort(intValue(n, p), source(n, p)));
        f.put("agentPort", (n, p) -> b.agentPort(intValue(n, p), source(n, p)));
        f.put("listenPeerUrls", (n, p) -> b.listenPeerUrls(urls(n, p), source(n, p)));
        f.put("listenClientUrls", (n, p) -> b.listenClientUrls(urls(n, p), source(n, p)));
        f.put("listenMetricsUrls", (n, p) -> b.listenMetricsUrls(urls(n, p), source(n, p)));
        f.put("initialAdvertisePeerUrls",
                (n, p) -> b.initialAdvertisePeerUrls(urls(n, p), source(n, p)));
        f.put("advertiseClientUrls",
                (n, p) -> b.advertiseClientUrls(urls(n, p), source(n, p)));
        f.put("initialCluster", (n, p) -> b.initialCluster(
                initialCluster(strings(n, p), source(n, p)), source(n, p)));
        f.put("initialClusterState", (n, p) -> b.initialClusterState(
                clusterState(string(n, p), source(n, p)), source(n, p)));
        f.put("initialClusterToken", (n, p) -> b.initialClusterToken(string(n, p),
                source(n, p)));
        f.put("electionTimeout", (n, p) -> b.electionTimeout(duration(n, p), source(n, p)));
        f.put("heartbeatInterval", (n, p) -> b.heartbeatInterval(duration(n, p),
                source(n, p)));
        f.put("snapshotThreshold", (n, p) -> b.snapshotThreshold(longValue(n, p),
                source(n, p)));
        f.put("maxRequestBytes", (n, p) -> b.maxRequestBytes(longValue(n, p),
                source(n, p)));
        f.put("tls", this::tls);
        mapping(node, path, f, Set.of());
    }

    private void tls(Node node, String path) {
        mapping(node, path, Map.of(
                "peer", (n, p) -> builder.peerTls(tlsFiles(n, p), source(n, p)),
                "client", (n, p) -> builder.clientTls(tlsFiles(n, p), source(n, p))), Set.of());
    }

    private TlsFiles tlsFiles(Node node, String path) {
        Path[] files = new Path[3];
        mapping(node, path, Map.of(
                "certFile", (n, p) -> files[0] = Path.of(string(n, p)),
                "keyFile", (n, p) -> files[1] = Path.of(string(n, p)),
                "trustedCAFile", (n, p) -> files[2] = Path.of(string(n, p))),
                Set.of("certFile", "keyFile", "trustedCAFile"));
        return new TlsFiles(files[0], files[1], files[2]);
    }

    // ---- the node tree ----------------------------------------------------------------

    /** Visits a mapping's fields; unknown, repeated and missing required fields fail. */
    private void mapping(Node node, String path, Map<String, BiConsumer<Node, String>> fields,
            Set<String> required) {
        if (!(node instanceof MappingNode m)) {
            throw error(node, path.isEmpty() ? "(document)" : path,
                    "expected a mapping of fields, got " + describe(node));
        }
        Set<String> seen = new HashSet<>();
        for (NodeTuple t : m.getValue()) {
            String key = path.isEmpty() ? "" : path + ".";
            if (!(t.getKeyNode() instanceof ScalarNode k)) {
                throw error(t.getKeyNode(), path, "field names must be plain strings");
            }
            String name = k.getValue();
            BiConsumer<Node, String> visit = fields.get(name);
            if (visit == null) {
                throw error(k, key + name, "unknown field (known fields: "
                        + String.join(", ", new TreeSet<>(fields.keySet())) + ")");
            }
            if (!seen.add(name)) {
                throw error(k, key + name, "the field appears twice");
            }
            visit.accept(t.getValueNode(), key + name);
        }
        for (String r : new TreeSet<>(required)) {
            if (!seen.contains(r)) {
                throw error(node, path.isEmpty() ? r : path + "." + r, "missing required field");
            }
        }
    }

    private String string(Node n, String path) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.STR)) {
            return s.getValue();
        }
        throw error(n, path, "expected a string, got " + describe(n));
    }

    private long longValue(Node n, String path) {
        if (n instanceof ScalarNode s && s.getTag().equals(Tag.INT)) {
            try {
                return Long.parseLong(s.getValue());
            } catch (NumberFormatException e) {
                throw error(n, path, s.getValue() + " is out of range");
            }
        }
        throw error(n, path, "expected an integer, got " + describe(n));
    }

    private int intValue(Node n, String path) {
        long v = longValue(n, path);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw error(n, path, v + " is out of range");
        }
        return (int) v;
    }

    private Duration duration(Node n, String path) {
        String text = n instanceof ScalarNode s ? s.getValue() : null;
        if (text == null || !(n.getTag().equals(Tag.STR) || n.getTag().equals(Tag.INT))) {
            throw error(n, path, "expected a duration (" + Durations.HINT + "), got "
                    + describe(n));
        }
        return Durations.parse(text).orElseThrow(() -> error(n, path, Cidrs.quote(text)
                + " is not a duration (" + Durations.HINT + ")"));
    }

    /** A list of strings, or one string holding a comma-separated list. */
    private List<String> strings(Node n, String path) {
        List<String> out = new ArrayList<>();
        if (n instanceof SequenceNode seq) {
            for (Node item : seq.getValue()) {
                out.add(string(item, path));
            }
        } else {
            for (String part : string(n, path).split(",", -1)) {
                out.add(part.trim());
            }
        }
        return out;
    }

    private List<Endpoint> urls(Node n, String path) {
        List<Endpoint> out = new ArrayList<>();
        for (String s : strings(n, path)) {
            out.add(endpoint(s, source(n, path)));
        }
        return out;
    }

    // ---- values shared with the flags ---------------------------------------------------

    static Endpoint endpoint(String text, Source source) {
        Endpoint.Parsed p = Endpoint.parse(text);
        return p.endpoint().orElseThrow(() -> source.error(p.problem().orElseThrow()));
    }

    static List<Endpoint> endpoints(String commaSeparated, Source source) {
        List<Endpoint> out = new ArrayList<>();
        for (String part : commaSeparated.split(",", -1)) {
            out.add(endpoint(part.trim(), source));
        }
        return out;
    }

    /** {@code name=peerURL} items, in order; names and URLs checked. */
    static Map<String, Endpoint> initialCluster(List<String> items, Source source) {
        Map<String, Endpoint> out = new LinkedHashMap<>();
        for (String item : items) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw source.error(Cidrs.quote(item) + " is not name=peerURL");
            }
            String name = item.substring(0, eq).trim();
            if (out.put(name, endpoint(item.substring(eq + 1), source)) != null) {
                throw source.error("member " + Cidrs.quote(name) + " appears twice");
            }
        }
        return out;
    }

    static ClusterState clusterState(String text, Source source) {
        for (ClusterState s : ClusterState.values()) {
            if (s.text().equals(text.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw source.error(Cidrs.quote(text) + " is not a cluster state (use new or existing)");
    }

    // ---- errors -------------------------------------------------------------------------

    private Source source(Node n, String path) {
        return new Source(Origin.line(label, line(n)), path);
    }

    private ConfigException error(Node n, String path, String problem) {
        return source(n, path).error(problem);
    }

    private static int line(Node n) {
        return n.getStartMark().map(Mark::getLine).orElse(0) + 1;
    }

    private static String describe(Node n) {
        if (n instanceof ScalarNode s) {
            Tag t = s.getTag();
            String kind = t.equals(Tag.INT) ? "the integer " : t.equals(Tag.BOOL) ? "the boolean "
                    : t.equals(Tag.FLOAT) ? "the number " : t.equals(Tag.NULL) ? "nothing"
                    : "the string ";
            return t.equals(Tag.NULL) ? kind : kind + (t.equals(Tag.STR)
                    ? Cidrs.quote(s.getValue()) : s.getValue());
        }
        return n instanceof SequenceNode ? "a list" : "a mapping";
    }
}
