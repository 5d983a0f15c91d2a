package io.hpcdask.protocol;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The worker link's mutual authentication and key schedule. Neither side ever sends the cluster token: each proves
 * it holds it with {@code HMAC-SHA256(token, label | role | nonce_server | nonce_worker)}, over both fresh nonces and
 * its own role (so a proof cannot be replayed on another link nor reflected back as the other side's). The frame
 * keys, one per direction, are {@code HKDF-SHA256(ikm = token, salt = nonce_server | nonce_worker,
 * info = label | direction)}: fresh for every link, and unknown to anyone without the token even if they relayed
 * the whole handshake.
 */
public final class LinkAuth {
    public static final int NONCE_BYTES = 32;
    private static final String LABEL = "hpc-dask worker link v" + Message.VERSION;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Who is proving. */
    public enum Role {
        WORKER("worker"), SCHEDULER("scheduler");

        private final String label;

        Role(String label) {
            this.label = label;
        }
    }

    /** The two frame keys of one link. */
    public record Keys(byte[] workerToScheduler, byte[] schedulerToWorker) {
        @Override
        public String toString() { // never print a key
            return "Keys[]";
        }
    }

    private LinkAuth() {
    }

    public static byte[] newNonce() {
        byte[] n = new byte[NONCE_BYTES];
        RANDOM.nextBytes(n);
        return n;
    }

    public static boolean validNonce(byte[] nonce) {
        return nonce != null && nonce.length == NONCE_BYTES;
    }

    /** {@code role}'s proof that it holds {@code token}, bound to both nonces of this link. */
    public static byte[] proof(byte[] token, Role role, byte[] schedulerNonce, byte[] workerNonce) {
        Mac mac = hmac(token);
        mac.update(bytes(LABEL + " proof"));
        mac.update((byte) 0);
        mac.update(bytes(role.label));
        mac.update((byte) 0);
        mac.update(schedulerNonce);
        mac.update(workerNonce);
        return mac.doFinal();
    }

    /**
     * The label of {@link #versionRefusalProof}. It never changes, unlike {@link #LABEL}: workers and schedulers of
     * any two versions must agree on it, as they agree on nothing else.
     */
    private static final String VERSION_REFUSAL_LABEL = "hpc-dask worker link version refusal";

    /**
     * The scheduler's proof that it, holding {@code token}, refused this very connection for its protocol version:
     * over both sides' protocols and releases as the scheduler saw them and the worker's nonce. A worker checks it
     * against its own protocol, release and nonce, so a forger without the token cannot make it stop, and a
     * man in the middle who altered the worker's version on the way gets a proof the worker rejects. Anyone may ask
     * the scheduler for one (by claiming another version); it answers only that question, under a label of its own,
     * so it proves nothing else.
     */
    public static byte[] versionRefusalProof(byte[] token, int schedulerProtocol, String schedulerRelease,
                                             int workerProtocol, String workerRelease, byte[] workerNonce) {
        Mac mac = hmac(token);
        mac.update(bytes(VERSION_REFUSAL_LABEL));
        mac.update((byte) 0);
        mac.update(bytes(schedulerProtocol + "\0" + nullToEmpty(schedulerRelease) + "\0" + workerProtocol + "\0"
                + nullToEmpty(workerRelease)));
        mac.update((byte) 0);
        mac.update(workerNonce);
        return mac.doFinal();
    }

    /** Checks a refusal's proof in constant time; a refusal without one fails. */
    public static boolean verifyVersionRefusal(byte[] token, int schedulerProtocol, String schedulerRelease,
                                               int workerProtocol, String workerRelease, byte[] workerNonce,
                                               byte[] offered) {
        byte[] expected = versionRefusalProof(token, schedulerProtocol, schedulerRelease, workerProtocol, workerRelease,
                workerNonce);
        return offered != null && MessageDigest.isEqual(expected, offered);
    }

    private static String nullToEmpty(String s) {
        return s == null ? "" : s;
    }

    /** Checks {@code offered} against the expected proof in constant time; a null or short proof fails. */
    public static boolean verify(byte[] token, Role role, byte[] schedulerNonce, byte[] workerNonce, byte[] offered) {
        byte[] expected = proof(token, role, schedulerNonce, workerNonce);
        return offered != null && MessageDigest.isEqual(expected, offered);
    }

    public static Keys keys(byte[] token, byte[] schedulerNonce, byte[] workerNonce) {
        byte[] salt = new byte[schedulerNonce.length + workerNonce.length];
        System.arraycopy(schedulerNonce, 0, salt, 0, schedulerNonce.length);
        System.arraycopy(workerNonce, 0, salt, schedulerNonce.length, workerNonce.length);
        byte[] prk = hmac(salt).doFinal(token); // HKDF-Extract
        return new Keys(expand(prk, LABEL + " worker to scheduler"), expand(prk, LABEL + " scheduler to worker"));
    }

    /** HKDF-Expand for one 32-byte block: {@code HMAC(prk, info | 0x01)}. */
    private static byte[] expand(byte[] prk, String info) {
        Mac mac = hmac(prk);
        mac.update(bytes(info));
        mac.update((byte) 1);
        return mac.doFinal();
    }

    private static Mac hmac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
