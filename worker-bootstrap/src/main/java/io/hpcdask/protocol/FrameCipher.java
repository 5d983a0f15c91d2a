package io.hpcdask.protocol;

/**
 * One direction of an encrypted link: ChaCha20-Poly1305 (RFC 8439, {@link ChaCha20Poly1305}) with a 96-bit nonce that
 * is the frame's sequence number (4 zero bytes, then a 64-bit big-endian counter). Each direction has its own key, so
 * the two counters never share a nonce; the receiver expects the next number, so a frame that was dropped, replayed,
 * reordered or altered fails its tag. Protocol 2 used AES-256-GCM here; ChaCha20-Poly1305 gives the same guarantees
 * and costs far less on the worker's C1-only JVM, which has no AES intrinsics ({@code scripts/bench-link}).
 * Not thread-safe: one sender or one receiver (a channel's event loop).
 */
public final class FrameCipher {
    public static final int TAG_BYTES = ChaCha20Poly1305.TAG_BYTES;

    private final ChaCha20Poly1305 cipher;
    private long counter;

    public FrameCipher(byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("a frame key is 32 bytes");
        }
        this.cipher = new ChaCha20Poly1305(key);
    }

    /** Encrypts the next frame to send. */
    public byte[] seal(byte[] plain) {
        byte[] sealed = new byte[plain.length + TAG_BYTES];
        seal(plain, 0, plain.length, sealed, 0);
        return sealed;
    }

    /**
     * Encrypts the next frame, {@code in[inOff, inOff+len)}, into {@code out} at {@code outOff}, followed by its tag
     * ({@code len + TAG_BYTES} bytes written); {@code out} may be {@code in} at the same offset.
     */
    public void seal(byte[] in, int inOff, int len, byte[] out, int outOff) {
        cipher.seal(nextNonce(), in, inOff, len, out, outOff);
    }

    /** Decrypts the next frame received; one that fails authentication throws, and the link must close. */
    public byte[] open(byte[] sealed) throws FrameAuthenticationException {
        if (sealed.length < TAG_BYTES) {
            throw new FrameAuthenticationException("frame too short to be authentic");
        }
        byte[] plain = new byte[sealed.length - TAG_BYTES];
        open(sealed, 0, sealed.length, plain, 0);
        return plain;
    }

    /**
     * Decrypts the next frame received, the {@code len} bytes at {@code in[inOff]} (tag included), into {@code out} at
     * {@code outOff} ({@code len - TAG_BYTES} bytes; {@code out} may be {@code in} at the same offset) after checking
     * its tag; one that fails throws, nothing is decrypted, and the link must close.
     */
    public void open(byte[] in, int inOff, int len, byte[] out, int outOff) throws FrameAuthenticationException {
        if (len < TAG_BYTES) {
            throw new FrameAuthenticationException("frame too short to be authentic");
        }
        if (!cipher.open(nextNonce(), in, inOff, len - TAG_BYTES, out, outOff)) {
            throw new FrameAuthenticationException("frame failed authentication");
        }
    }

    private long nextNonce() {
        if (counter == Long.MAX_VALUE) {
            throw new IllegalStateException("frame counter exhausted; reconnect");
        }
        return counter++;
    }
}
