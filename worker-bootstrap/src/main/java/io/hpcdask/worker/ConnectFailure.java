package io.hpcdask.worker;

import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;

/**
 * Why a connection to the scheduler failed, in the words a user acts on: refused (nothing listens there: a wrong
 * port, or the scheduler is gone), timed out (a firewall drops the packets), no route, name not found.
 */
enum ConnectFailure {
    REFUSED("connection refused"),
    TIMED_OUT("timed out"),
    NO_ROUTE("no route to host"),
    NAME_NOT_FOUND("name not found"),
    OTHER("failed");

    private final String words;

    ConnectFailure(String words) {
        this.words = words;
    }

    static ConnectFailure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
            if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
                return NAME_NOT_FOUND;
            }
            // netty's ConnectTimeoutException is a ConnectException whose message says so
            if (t instanceof SocketTimeoutException || message.contains("timed out")) {
                return TIMED_OUT;
            }
            if (t instanceof NoRouteToHostException || message.contains("no route to host")
                    || message.contains("network is unreachable")) {
                return NO_ROUTE;
            }
            if (message.contains("connection refused")) {
                return REFUSED;
            }
        }
        return OTHER;
    }

    /** e.g. {@code connection refused}, or {@code failed: java.net.SocketException: ...} for the unclassified. */
    static String describe(Throwable failure) {
        ConnectFailure kind = of(failure);
        return kind == OTHER ? "failed: " + failure : kind.words;
    }

    /** The one line that tells a user what to change when workers never got through. */
    static String hint(String address) {
        return "compute nodes cannot reach " + address
                + ": run hpc-dask on the login node, or set --interface/--scheduler-address";
    }
}
