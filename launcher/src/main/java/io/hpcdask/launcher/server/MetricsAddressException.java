package io.hpcdask.launcher.server;

/** The server cannot listen on its {@code metrics-address}: the cluster does not start (the user asked for it). */
final class MetricsAddressException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    MetricsAddressException(String address, Exception cause) {
        super("cannot serve metrics on " + address + " (metrics-address): " + cause.getMessage()
                + "; choose a free port, or unset metrics-address", cause);
    }
}
