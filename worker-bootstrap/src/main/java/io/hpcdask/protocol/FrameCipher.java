package io.hpcdask.protocol;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction of an encrypted link: AES-256-GCM with a 96-bit nonce that is the frame's sequence number (4 zero
 * bytes, then a 64-bit counter). Each direction has its own key, so the two counters never share a nonce; the
 * receiver expects the next number, so a frame that was dropped, replayed, reordered or altered fails its tag.
 * Not thread-safe: one sender or one receiver (a channel's event loop).
 */
public final class FrameCipher {
    public static final int TAG_BYTES = 16;

    private final SecretKeySpec key;
    private final Cipher cipher;
    private long counter;

    public FrameCipher(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("a frame key is 32 bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        try {
            this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Encrypts the next frame to send. */
    public byte[] seal(byte[] plain) {
        try {
            cipher.init(Cipher.ENCRYPT_MODE, key, nextNonce());
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a frame", e);
        }
    }

    /** Decrypts the next frame received; one that fails authentication throws, and the link must close. */
    public byte[] open(byte[] sealed) throws FrameAuthenticationException {
        if (sealed.length < TAG_BYTES) {
            throw new FrameAuthenticationException("frame too short to be authentic");
        }
        try {
            cipher.init(Cipher.DECRYPT_MODE, key, nextNonce());
            return cipher.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new FrameAuthenticationException("frame failed authentication");
        } catch (GeneralSecurityException e) {
            throw new FrameAuthenticationException("frame cannot be decrypted (" + e.getClass().getSimpleName() + ")");
        }
    }

    private GCMParameterSpec nextNonce() {
        if (counter == Long.MAX_VALUE) {
            throw new IllegalStateException("frame counter exhausted; reconnect");
        }
        long n = counter++;
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[11 - i] = (byte) (n >>> (8 * i));
        }
        return new GCMParameterSpec(TAG_BYTES * 8, iv);
    }
}
