package io.hpcdask.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * This build's versions, from {@code io/hpcdask/protocol/version.properties}: the worker link's protocol, which both
 * ends check at the handshake, and the hpc-dask release, which messages name (users know releases, not protocols).
 */
public final class Release {
    private static final Properties PROPERTIES = load();
    /** The worker link's protocol version ({@link Message#VERSION}). */
    public static final int PROTOCOL = Integer.parseInt(PROPERTIES.getProperty("protocol").trim());
    /** The hpc-dask version of this build, e.g. {@code 0.2.0}. */
    public static final String VERSION = PROPERTIES.getProperty("release").trim();

    private Release() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = Release.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                throw new IllegalStateException("io/hpcdask/protocol/version.properties is missing from the class path");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read io/hpcdask/protocol/version.properties", e);
        }
        return p;
    }

    /**
     * How a peer is named in messages: {@code 0.2.0 (protocol 3)}; a peer of protocol 2 or older did not send its
     * release, and only hpc-dask 0.1 spoke those.
     */
    public static String describe(String release, int protocol) {
        String name = release != null && !release.isBlank() ? Printable.escape(release, 40)
                : protocol <= 2 ? "0.1" : "of an unknown release";
        return name + " (protocol " + protocol + ")";
    }

    /** The one line both ends show when their protocols differ. */
    public static String mismatch(String workerRelease, int workerProtocol, String schedulerRelease, int schedulerProtocol) {
        return "worker " + describe(workerRelease, workerProtocol) + " cannot talk to scheduler "
                + describe(schedulerRelease, schedulerProtocol) + ": run 'hpc-dask cluster up' again after upgrading";
    }
}
