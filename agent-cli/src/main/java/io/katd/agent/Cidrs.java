package io.katd.agent;

import java.util.Optional;
import java.util.regex.Pattern;

/** Checks CIDR blocks such as {@code 10.244.0.0/16} or {@code fd00::/48}. */
final class Cidrs {
    private static final Pattern IPV4 = Pattern.compile(
            "(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:]{2,39}");

    private Cidrs() {}

    /** Why {@code text} is not a CIDR block, or empty when it is one. */
    static Optional<String> problem(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.of(quote(text) + " is not a CIDR block (use 10.244.0.0/16)");
        }
        String address = text.substring(0, slash);
        String bits = text.substring(slash + 1);
        int max;
        if (IPV4.matcher(address).matches()) {
            max = 32;
        } else if (IPV6.matcher(address).matches() && address.contains(":")
                && isIpv6(address)) {
            max = 128;
        } else {
            return Optional.of(quote(text) + " is not a CIDR block: " + quote(address)
                    + " is not an IP address");
        }
        if (!bits.matches("\\d{1,3}") || Integer.parseInt(bits) > max) {
            return Optional.of(quote(text) + " is not a CIDR block: the prefix length must be"
                    + " 0 to " + max);
        }
        return Optional.empty();
    }

    private static boolean isIpv6(String address) {
        int doubleColon = address.indexOf("::");
        if (doubleColon >= 0 && address.indexOf("::", doubleColon + 1) >= 0) {
            return false;
        }
        String[] groups = address.split(":", -1);
        int nonEmpty = 0;
        for (String g : groups) {
            if (g.length() > 4) {
                return false;
            }
            if (!g.isEmpty()) {
                nonEmpty++;
            }
        }
        return doubleColon >= 0 ? nonEmpty < 8 : groups.length == 8 && nonEmpty == 8;
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }
}
