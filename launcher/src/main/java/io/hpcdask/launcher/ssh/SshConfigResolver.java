package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.ConfigRepository;
import com.jcraft.jsch.OpenSSHConfig;
import io.hpcdask.launcher.failure.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns an {@code --ssh} target into {@link SshSettings}: values typed on the command line win over
 * ~/.ssh/config (HostName, User, Port, IdentityFile, UserKnownHostsFile, ServerAliveInterval, ConnectTimeout,
 * ProxyJump), which win over OpenSSH's defaults.
 */
public final class SshConfigResolver {
    private final Path home;
    private final Path configFile;

    public SshConfigResolver() {
        this(Path.of(System.getProperty("user.home")), null);
    }

    /** @param configFile the ssh config to read, or null for {@code home/.ssh/config} */
    public SshConfigResolver(Path home, Path configFile) {
        this.home = home;
        this.configFile = configFile == null ? home.resolve(".ssh/config") : configFile;
    }

    /**
     * @param identityOverride key files given on the command line (replace IdentityFile from the config), may be empty
     * @param knownHostsOverride a known_hosts file given on the command line, or null
     */
    public SshSettings resolve(SshTarget target, List<Path> identityOverride, Path knownHostsOverride,
            boolean acceptNew) {
        ConfigRepository.Config cfg = loadConfig().getConfig(target.host());
        String host = firstNonNull(cfg.getHostname(), target.host());
        String user = firstNonNull(target.user(), cfg.getUser(), System.getProperty("user.name"));
        int port = target.port() != SshTarget.NO_PORT ? target.port() : (cfg.getPort() > 0 ? cfg.getPort() : 22);

        List<Path> identities = new ArrayList<>(identityOverride);
        if (identities.isEmpty() && cfg.getValues("IdentityFile") != null) {
            for (String f : cfg.getValues("IdentityFile")) {
                identities.add(expand(f));
            }
        }
        if (identities.isEmpty()) {
            for (String name : List.of("id_ed25519", "id_ecdsa", "id_rsa")) {
                Path p = home.resolve(".ssh").resolve(name);
                if (Files.isReadable(p)) {
                    identities.add(p);
                }
            }
        }
        String knownHostsValue = cfg.getValue("UserKnownHostsFile");
        Path knownHosts = knownHostsOverride != null ? knownHostsOverride
                : knownHostsValue != null ? expand(knownHostsValue.split("\\s+")[0])
                : home.resolve(".ssh/known_hosts");
        // JSch's OpenSSHConfig hands these two back already converted from seconds to milliseconds.
        Duration alive = Duration.ofMillis(millis(cfg.getValue("ServerAliveInterval"), 30_000, "ServerAliveInterval"));
        Duration connect = Duration.ofMillis(millis(cfg.getValue("ConnectTimeout"), 20_000, "ConnectTimeout"));
        String jump = cfg.getValue("ProxyJump");
        if (jump != null && jump.equalsIgnoreCase("none")) {
            jump = null;
        }
        if (jump != null) {
            jump = resolveJump(jump.strip(), user);
        }
        // "StrictHostKeyChecking no" is deliberately not honoured: checking is never disabled silently.
        boolean accept = acceptNew || "accept-new".equalsIgnoreCase(cfg.getValue("StrictHostKeyChecking"));
        // IdentitiesOnly=yes means: only the listed key files, never whatever the agent offers.
        String sock = System.getenv("SSH_AUTH_SOCK");
        Path agent = sock != null && !sock.isBlank() && !"yes".equalsIgnoreCase(cfg.getValue("IdentitiesOnly"))
                ? Path.of(sock) : null;
        return new SshSettings(user, host, port, identities, agent,
                knownHosts, alive, connect, jump, accept, SshSettings.DEFAULT_MAX_CHANNELS, List.of());
    }

    /** The jump host as {@code user@host:port}, its alias (if any) looked up in the same ssh config. */
    private String resolveJump(String value, String targetUser) {
        if (value.contains(",")) {
            throw new BadInputException("ssh config " + configFile + ": ProxyJump '" + value
                    + "' has several hops; hpc-dask supports one jump host");
        }
        SshTarget t = SshTarget.parse(value.startsWith("ssh://") ? value.substring(6) : value);
        ConfigRepository.Config j = loadConfig().getConfig(t.host());
        String host = firstNonNull(j.getHostname(), t.host());
        String user = firstNonNull(t.user(), j.getUser(), targetUser);
        int port = t.port() != SshTarget.NO_PORT ? t.port() : (j.getPort() > 0 ? j.getPort() : 22);
        return user + "@" + host + ":" + port;
    }

    private ConfigRepository loadConfig() {
        if (!Files.isReadable(configFile)) {
            return ConfigRepository.nullConfig;
        }
        try {
            return OpenSSHConfig.parseFile(configFile.toString());
        } catch (IOException e) {
            throw new BadInputException("ssh config " + configFile + ": cannot be read: " + e.getMessage(), e);
        }
    }

    private Path expand(String file) {
        String f = file.strip();
        if (f.startsWith("\"") && f.endsWith("\"") && f.length() > 1) {
            f = f.substring(1, f.length() - 1);
        }
        if (f.startsWith("~/")) {
            return home.resolve(f.substring(2));
        }
        return Path.of(f);
    }

    private long millis(String value, long fallback, String key) {
        if (value == null) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new BadInputException("ssh config " + configFile + ": " + key + " '" + value + "' is not a whole number of seconds");
        }
    }

    @SafeVarargs
    private static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
