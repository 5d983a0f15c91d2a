package io.hpcdask.launcher.ssh;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Everything needed to open one SSH connection, after ~/.ssh/config and command-line options are merged.
 *
 * @param agentSocket       the ssh-agent's socket (SSH_AUTH_SOCK) whose keys are offered first, or null
 * @param proxyJump        {@code [user@]host[:port]} of a jump host, or null
 * @param acceptNewHostKeys add unknown host keys to known_hosts instead of refusing (a changed key is still refused)
 * @param maxChannels      channels open at once on the connection (OpenSSH's MaxSessions defaults to 10)
 * @param pathPrefix       directories put first on the PATH of every remote command
 */
public record SshSettings(
        String user,
        String host,
        int port,
        List<Path> identityFiles,
        Path agentSocket,
        Path knownHosts,
        Duration serverAliveInterval,
        Duration connectTimeout,
        String proxyJump,
        boolean acceptNewHostKeys,
        int maxChannels,
        List<String> pathPrefix) {

    public static final int DEFAULT_MAX_CHANNELS = 8;

    public SshSettings {
        identityFiles = List.copyOf(identityFiles);
        pathPrefix = List.copyOf(pathPrefix);
        if (maxChannels < 1) {
            throw new IllegalArgumentException("maxChannels must be at least 1");
        }
    }

    public String where() {
        return user + "@" + host + ":" + port;
    }

    public SshSettings withHost(String otherHost) {
        return new SshSettings(user, otherHost, port, identityFiles, agentSocket, knownHosts, serverAliveInterval,
                connectTimeout, proxyJump, acceptNewHostKeys, maxChannels, pathPrefix);
    }

    public SshSettings withMaxChannels(int n) {
        return new SshSettings(user, host, port, identityFiles, agentSocket, knownHosts, serverAliveInterval,
                connectTimeout, proxyJump, acceptNewHostKeys, n, pathPrefix);
    }

    public SshSettings withPathPrefix(List<String> dirs) {
        return new SshSettings(user, host, port, identityFiles, agentSocket, knownHosts, serverAliveInterval,
                connectTimeout, proxyJump, acceptNewHostKeys, maxChannels, dirs);
    }

    public SshSettings withAcceptNewHostKeys(boolean accept) {
        return new SshSettings(user, host, port, identityFiles, agentSocket, knownHosts, serverAliveInterval,
                connectTimeout, proxyJump, accept, maxChannels, pathPrefix);
    }

    public SshSettings withKnownHosts(Path file) {
        return new SshSettings(user, host, port, identityFiles, agentSocket, file, serverAliveInterval,
                connectTimeout, proxyJump, acceptNewHostKeys, maxChannels, pathPrefix);
    }

    public SshSettings withIdentities(List<Path> files, Path agent) {
        return new SshSettings(user, host, port, files, agent, knownHosts, serverAliveInterval,
                connectTimeout, proxyJump, acceptNewHostKeys, maxChannels, pathPrefix);
    }

    public SshSettings withProxyJump(String jump) {
        return new SshSettings(user, host, port, identityFiles, agentSocket, knownHosts, serverAliveInterval,
                connectTimeout, jump, acceptNewHostKeys, maxChannels, pathPrefix);
    }
}
