package io.hpcdask.worker;

/** A host (brackets of an IPv6 literal removed) and a port. */
record HostPort(String host, int port) {
    /** Reads {@code HOST:PORT} or {@code [IPV6]:PORT}; {@code option} names the argument it came from in messages. */
    static HostPort parse(String option, String text) throws UsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            throw new UsageException(option + ": '" + text + "' is not HOST:PORT, e.g. login1:8786");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) { // [::1]:8786
            host = host.substring(1, host.length() - 1);
        }
        int port = (int) GivenArgs.number(text.substring(colon + 1), option, "HOST:PORT with a PORT from 1 to 65535", 1,
                65535);
        return new HostPort(host, port);
    }

    @Override
    public String toString() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
