package io.hpcdask.protocol;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * ChaCha20-Poly1305 (RFC 8439) without associated data, through the JDK's own {@code ChaCha20-Poly1305} cipher: a
 * frame's 64-bit sequence number as the 96-bit nonce (4 zero bytes, then the number big-endian), and the in-place,
 * offset-taking calls the link's framing needs. Chosen over AES-GCM for the worker's C1-only JVM, which has no AES
 * intrinsics: there the JDK's ChaCha20-Poly1305 costs about a third of its AES-GCM per small frame
 * ({@code scripts/bench-link}). Cryptography stays the JDK's: nothing here computes a cipher or a tag.
 * <p>
 * The key is fixed per instance; each call takes its own nonce, which the caller must never repeat under the key
 * ({@link FrameCipher} uses the frame's sequence number; the JDK also refuses an encryption that repeats the last
 * nonce). Not thread-safe.
 */
final class ChaCha20Poly1305 {
    static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private final byte[] iv = new byte[12];

    ChaCha20Poly1305(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a ChaCha20 key is 32 bytes");
        }
        this.key = new SecretKeySpec(key, "ChaCha20");
        try {
            this.cipher = Cipher.getInstance("ChaCha20-Poly1305");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("ChaCha20-Poly1305 is not available in this JDK", e);
        }
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)} and writes the 16-byte tag right after
     * it. {@code out} may be {@code in} at the same offset.
     */
    void seal(long nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce(nonce));
            cipher.doFinal(in, inOff, len, out, outOff);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a frame", e);
        }
    }

    /**
     * Checks the tag at {@code in[inOff+len]} over {@code in[inOff, inOff+len)} and only then decrypts into
     * {@code out[outOff, outOff+len)}; false (and nothing written) when the tag is wrong.
     */
    boolean open(long nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce(nonce));
            cipher.doFinal(in, inOff, len + TAG_BYTES, out, outOff);
            return true;
        } catch (AEADBadTagException e) {
            return false;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a frame", e);
        }
    }

    private IvParameterSpec nonce(long n) {
        for (int i = 0; i < 8; i++) {
            iv[11 - i] = (byte) (n >>> (8 * i));
        }
        return new IvParameterSpec(iv);
    }
}
