package io.hpcdask.launcher.ssh;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Facts about an SSH public-key blob, in the forms OpenSSH prints them. */
public final class HostKeys {
    private HostKeys() {
    }

    /** The algorithm name inside the blob, e.g. {@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, {@code ssh-rsa}. */
    public static String algorithm(byte[] blob) {
        ByteBuffer b = ByteBuffer.wrap(blob);
        int len = b.getInt();
        return new String(blob, 4, len, StandardCharsets.US_ASCII);
    }

    /** The {@code -t} value ssh-keyscan takes for this key. */
    public static String keyscanType(byte[] blob) {
        String alg = algorithm(blob);
        if (alg.equals("ssh-ed25519")) {
            return "ed25519";
        }
        if (alg.startsWith("ecdsa-")) {
            return "ecdsa";
        }
        if (alg.equals("ssh-rsa")) {
            return "rsa";
        }
        return alg;
    }

    /** {@code SHA256:<base64 without padding>}, as {@code ssh-keygen -l} prints it. */
    public static String fingerprint(byte[] blob) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(blob);
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name known_hosts uses for a host: bare on port 22, {@code [host]:port} otherwise. */
    public static String knownHostsName(String host, int port) {
        return port == 22 ? host : "[" + host + "]:" + port;
    }

    /** The exact line a user runs to trust this host, as printed in refusals. */
    public static String keyscanLine(String host, int port, byte[] blob, String knownHostsFile) {
        return "ssh-keyscan -p " + port + " -t " + keyscanType(blob) + " " + host + " >> " + knownHostsFile;
    }
}
