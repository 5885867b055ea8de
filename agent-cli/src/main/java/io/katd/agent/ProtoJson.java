package io.katd.agent;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Protobuf messages as JSON in the shape etcdctl's {@code -w json} prints: proto field
 * names, fields at their default value left out, 64-bit integers as numbers, bytes in
 * base64, enums by name.
 */
final class ProtoJson {
    private ProtoJson() {}

    static String of(Message m) {
        StringBuilder b = new StringBuilder();
        message(b, m);
        return b.toString();
    }

    /** A JSON array of messages. */
    static String of(List<? extends Message> ms) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < ms.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            message(b, ms.get(i));
        }
        return b.append(']').toString();
    }

    private static void message(StringBuilder b, Message m) {
        b.append('{');
        boolean first = true;
        for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
            if (!first) {
                b.append(',');
            }
            first = false;
            string(b, e.getKey().getName());
            b.append(':');
            if (e.getKey().isRepeated()) {
                b.append('[');
                List<?> items = (List<?>) e.getValue();
                for (int i = 0; i < items.size(); i++) {
                    if (i > 0) {
                        b.append(',');
                    }
                    value(b, items.get(i));
                }
                b.append(']');
            } else {
                value(b, e.getValue());
            }
        }
        b.append('}');
    }

    private static void value(StringBuilder b, Object v) {
        if (v instanceof Message m) {
            message(b, m);
        } else if (v instanceof ByteString bytes) {
            string(b, Base64.getEncoder().encodeToString(bytes.toByteArray()));
        } else if (v instanceof String s) {
            string(b, s);
        } else if (v instanceof EnumValueDescriptor en) {
            string(b, en.getName());
        } else {
            b.append(v);
        }
    }

    static void string(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
