package io.hpcdask.server.api;

import io.hpcdask.protocol.Release;

/**
 * The client API's version, which the CLI and the server send each other in a header of every request and answer.
 * A server refuses a CLI of another version before it acts on the request, and a CLI refuses the answer of a server of
 * another version; hpc-dask 0.1 sent no header and spoke version 1. Only the shutdown request is answered across
 * versions, so that a newer CLI can always stop an older cluster ({@code cluster down}, then {@code cluster up}).
 */
public final class ApiVersion {
    /** Raise it on any change of a path, a parameter or a JSON field that the other side would misread. */
    public static final int CURRENT = 1;
    /** What a request or answer without the header speaks: hpc-dask 0.1's API. */
    static final int UNSAID = 1;
    static final String HEADER = "Hpc-Dask-Api";
    static final String RELEASE_HEADER = "Hpc-Dask-Release";

    private ApiVersion() {
    }

    /** The version a header says, {@link #UNSAID} when there is none; a malformed one is -1 (never ours). */
    static int parse(String header) {
        if (header == null || header.isBlank()) {
            return UNSAID;
        }
        try {
            return Integer.parseInt(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The line both sides show when their API versions differ: what each is, and what to do. */
    static String mismatch(String cliRelease, int cliApi, String serverRelease, int serverApi) {
        return "hpc-dask " + name(cliRelease, cliApi) + " cannot talk to the cluster's server, hpc-dask "
                + name(serverRelease, serverApi) + ": stop it with 'hpc-dask cluster down' (staged runs are kept) and"
                + " start it again with 'hpc-dask cluster up' of the hpc-dask you mean to use";
    }

    private static String name(String release, int api) {
        String r = release == null || release.isBlank() ? (api <= 1 ? "0.1" : "(release unknown)")
                : io.hpcdask.protocol.Printable.escape(release, 40);
        return r + " (API " + api + ")";
    }

    static String release() {
        return Release.VERSION;
    }
}
