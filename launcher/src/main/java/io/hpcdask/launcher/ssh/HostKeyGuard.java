package io.hpcdask.launcher.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Base64;

/**
 * Checks host keys against one known_hosts file and remembers what it refused, so the refusal can name the
 * fingerprint and the ssh-keyscan line. Unknown keys are added only when the user asked for it; a changed key
 * is always refused.
 */
final class HostKeyGuard implements HostKeyRepository {
    private final HostKeyRepository known;
    private final Path knownHostsFile;
    private final boolean acceptNew;
    private volatile String refusedHost;
    private volatile byte[] refusedKey;
    private volatile int refusal = OK;

    HostKeyGuard(JSch jsch, Path knownHostsFile, boolean acceptNew) throws JSchException {
        this.knownHostsFile = knownHostsFile;
        this.acceptNew = acceptNew;
        if (Files.isReadable(knownHostsFile)) {
            jsch.setKnownHosts(knownHostsFile.toString());
        }
        this.known = jsch.getHostKeyRepository();
    }

    @Override
    public int check(String host, byte[] key) {
        int result = known.check(host, key);
        if (result == NOT_INCLUDED && acceptNew) {
            append(host, key);
            return OK;
        }
        if (result != OK) {
            refusedHost = host;
            refusedKey = key.clone();
            refusal = result;
        }
        return result;
    }

    /** The refusal behind a failed connect, or null when the host key was not the problem. */
    HostKeyException refusal(String host, int port) {
        if (refusal == OK) {
            return null;
        }
        String fp = HostKeys.fingerprint(refusedKey);
        String alg = HostKeys.algorithm(refusedKey);
        if (refusal == CHANGED) {
            return new HostKeyException("host key of " + refusedHost + " has CHANGED (" + alg + " " + fp
                    + " is not the key recorded in " + knownHostsFile + "); refusing to connect. Someone may be"
                    + " intercepting the connection, or the host was reinstalled: check with its administrators, then"
                    + " remove the old entry with: ssh-keygen -R '" + HostKeys.knownHostsName(host, port) + "' -f "
                    + knownHostsFile, true, fp);
        }
        return new HostKeyException("host key of " + refusedHost + " is not known (not in " + knownHostsFile
                + "); its " + alg + " key fingerprint is " + fp + ". If that is the right host, add it with: "
                + HostKeys.keyscanLine(host, port, refusedKey, knownHostsFile.toString())
                + " (or pass --ssh-accept-new)", false, fp);
    }

    private synchronized void append(String host, byte[] key) {
        String line = host + " " + HostKeys.algorithm(key) + " " + Base64.getEncoder().encodeToString(key) + "\n";
        try {
            Path dir = knownHostsFile.toAbsolutePath().getParent();
            if (dir != null) {
                io.hpcdask.server.files.PrivateFiles.createDirectories(dir);
            }
            if (!Files.exists(knownHostsFile)) {
                io.hpcdask.server.files.PrivateFiles.createFile(knownHostsFile);
            }
            Files.writeString(knownHostsFile, line, StandardCharsets.US_ASCII, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot add the host key of " + host + " to " + knownHostsFile + ": " + e, e);
        }
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        known.add(hostkey, ui);
    }

    @Override
    public void remove(String host, String type) {
        known.remove(host, type);
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        known.remove(host, type, key);
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return known.getKnownHostsRepositoryID();
    }

    @Override
    public HostKey[] getHostKey() {
        return known.getHostKey();
    }

    @Override
    public HostKey[] getHostKey(String host, String type) {
        return known.getHostKey(host, type);
    }
}
