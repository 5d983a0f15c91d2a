package io.hpcdask.protocol;

/**
 * ChaCha20-Poly1305 (RFC 8439) without associated data, byte for byte what the JDK's {@code ChaCha20-Poly1305} cipher
 * produces ({@code ChaCha20Poly1305Test} checks it against the JDK on random inputs and against the RFC's vectors).
 * Why not the JDK's: the worker JVM runs C1 only, where the JDK's provider costs 5-15 microseconds per small frame
 * (a {@code Cipher.init} per nonce, key and nonce copies, Poly1305 over {@code IntegerModuloP} objects); this one
 * allocates nothing and works on ints and longs, about 1-2 microseconds per small frame under C1
 * ({@code scripts/bench-link}).
 * <p>
 * The key is fixed per instance; each call takes its own 96-bit nonce, which the caller must never repeat under the
 * key ({@link FrameCipher} uses the frame's sequence number). Not thread-safe: its work arrays are reused.
 */
final class ChaCha20Poly1305 {
    static final int TAG_BYTES = 16;
    private static final int C0 = 0x61707865;
    private static final int C1 = 0x3320646e;
    private static final int C2 = 0x79622d32;
    private static final int C3 = 0x6b206574;

    private final int[] key = new int[8];
    private final int[] state = new int[16];
    private final int[] block = new int[16];
    private final byte[] blockBytes = new byte[64];
    private final Poly1305 mac = new Poly1305();
    private final byte[] expected = new byte[TAG_BYTES];

    ChaCha20Poly1305(byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("a ChaCha20 key is 32 bytes");
        }
        for (int i = 0; i < 8; i++) {
            this.key[i] = le32(key, 4 * i);
        }
    }

    /**
     * Encrypts {@code in[inOff, inOff+len)} into {@code out[outOff, outOff+len)} and writes the 16-byte tag right after
     * it. {@code out} may be {@code in} at the same offset.
     */
    void seal(long nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
        startMac(nonce);
        xorKeyStream(in, inOff, len, out, outOff);
        mac.update(out, outOff, len);
        mac.finish(len, out, outOff + len);
    }

    /**
     * Checks the tag at {@code in[inOff+len]} over {@code in[inOff, inOff+len)} and only then decrypts into
     * {@code out[outOff, outOff+len)}; false (and nothing written) when the tag is wrong.
     */
    boolean open(long nonce, byte[] in, int inOff, int len, byte[] out, int outOff) {
        startMac(nonce);
        mac.update(in, inOff, len);
        byte[] expected = this.expected;
        mac.finish(len, expected, 0);
        int diff = 0; // constant time: how many tag bytes match tells a forger nothing
        for (int i = 0; i < TAG_BYTES; i++) {
            diff |= expected[i] ^ in[inOff + len + i];
        }
        if (diff != 0) {
            return false;
        }
        xorKeyStream(in, inOff, len, out, outOff);
        return true;
    }

    /** State for block 0 of {@code nonce} (4 zero bytes, then the 64-bit number, big-endian, as FrameCipher sends it). */
    private void startMac(long nonce) {
        state[0] = C0;
        state[1] = C1;
        state[2] = C2;
        state[3] = C3;
        System.arraycopy(key, 0, state, 4, 8);
        state[12] = 0;
        state[13] = 0; // nonce bytes 0-3
        state[14] = Integer.reverseBytes((int) (nonce >>> 32)); // nonce bytes 4-7, read little-endian
        state[15] = Integer.reverseBytes((int) nonce);
        // the one-time Poly1305 key is the first 32 bytes of block 0
        chachaBlock();
        mac.init(block);
        state[12] = 1;
    }

    private void xorKeyStream(byte[] in, int inOff, int len, byte[] out, int outOff) {
        for (int done = 0; done < len; done += 64) {
            chachaBlock();
            state[12]++;
            int n = Math.min(64, len - done);
            for (int i = 0; i < 16; i++) {
                int w = block[i];
                blockBytes[4 * i] = (byte) w;
                blockBytes[4 * i + 1] = (byte) (w >>> 8);
                blockBytes[4 * i + 2] = (byte) (w >>> 16);
                blockBytes[4 * i + 3] = (byte) (w >>> 24);
            }
            for (int i = 0; i < n; i++) {
                out[outOff + done + i] = (byte) (in[inOff + done + i] ^ blockBytes[i]);
            }
        }
    }

    /** {@code block = ChaCha20(state)}: 20 rounds, then the state added back. */
    private void chachaBlock() {
        int x0 = state[0], x1 = state[1], x2 = state[2], x3 = state[3];
        int x4 = state[4], x5 = state[5], x6 = state[6], x7 = state[7];
        int x8 = state[8], x9 = state[9], x10 = state[10], x11 = state[11];
        int x12 = state[12], x13 = state[13], x14 = state[14], x15 = state[15];
        for (int r = 0; r < 10; r++) {
            // columns
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 16); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 12);
            x0 += x4; x12 = Integer.rotateLeft(x12 ^ x0, 8); x8 += x12; x4 = Integer.rotateLeft(x4 ^ x8, 7);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 16); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 12);
            x1 += x5; x13 = Integer.rotateLeft(x13 ^ x1, 8); x9 += x13; x5 = Integer.rotateLeft(x5 ^ x9, 7);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 16); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 12);
            x2 += x6; x14 = Integer.rotateLeft(x14 ^ x2, 8); x10 += x14; x6 = Integer.rotateLeft(x6 ^ x10, 7);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 16); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 12);
            x3 += x7; x15 = Integer.rotateLeft(x15 ^ x3, 8); x11 += x15; x7 = Integer.rotateLeft(x7 ^ x11, 7);
            // diagonals
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 16); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 12);
            x0 += x5; x15 = Integer.rotateLeft(x15 ^ x0, 8); x10 += x15; x5 = Integer.rotateLeft(x5 ^ x10, 7);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 16); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 12);
            x1 += x6; x12 = Integer.rotateLeft(x12 ^ x1, 8); x11 += x12; x6 = Integer.rotateLeft(x6 ^ x11, 7);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 16); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 12);
            x2 += x7; x13 = Integer.rotateLeft(x13 ^ x2, 8); x8 += x13; x7 = Integer.rotateLeft(x7 ^ x8, 7);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 16); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 12);
            x3 += x4; x14 = Integer.rotateLeft(x14 ^ x3, 8); x9 += x14; x4 = Integer.rotateLeft(x4 ^ x9, 7);
        }
        block[0] = x0 + state[0]; block[1] = x1 + state[1]; block[2] = x2 + state[2]; block[3] = x3 + state[3];
        block[4] = x4 + state[4]; block[5] = x5 + state[5]; block[6] = x6 + state[6]; block[7] = x7 + state[7];
        block[8] = x8 + state[8]; block[9] = x9 + state[9]; block[10] = x10 + state[10]; block[11] = x11 + state[11];
        block[12] = x12 + state[12]; block[13] = x13 + state[13]; block[14] = x14 + state[14];
        block[15] = x15 + state[15];
    }

    static int le32(byte[] b, int off) {
        return (b[off] & 0xff) | (b[off + 1] & 0xff) << 8 | (b[off + 2] & 0xff) << 16 | (b[off + 3] & 0xff) << 24;
    }

    /**
     * Poly1305 over the AEAD's message (ciphertext padded to 16 bytes, then the lengths), in five 26-bit limbs
     * (poly1305-donna's 32-bit form: every product fits a long).
     */
    static final class Poly1305 {
        private int r0, r1, r2, r3, r4;
        private int h0, h1, h2, h3, h4;
        private int pad0, pad1, pad2, pad3;
        private final byte[] last = new byte[16];

        /** Keys it with the first 8 words of a ChaCha20 block: r (clamped), then s. */
        void init(int[] words) {
            int t0 = words[0], t1 = words[1], t2 = words[2], t3 = words[3];
            r0 = t0 & 0x3ffffff;
            r1 = ((t0 >>> 26) | (t1 << 6)) & 0x3ffff03;
            r2 = ((t1 >>> 20) | (t2 << 12)) & 0x3ffc0ff;
            r3 = ((t2 >>> 14) | (t3 << 18)) & 0x3f03fff;
            r4 = (t3 >>> 8) & 0x00fffff;
            pad0 = words[4];
            pad1 = words[5];
            pad2 = words[6];
            pad3 = words[7];
            h0 = h1 = h2 = h3 = h4 = 0;
        }

        /** Absorbs {@code len} bytes, the last partial block zero-padded to 16 (as RFC 8439's AEAD pads). */
        void update(byte[] m, int off, int len) {
            int full = len & ~15;
            for (int i = 0; i < full; i += 16) {
                block(m, off + i);
            }
            if (full < len) {
                java.util.Arrays.fill(last, (byte) 0);
                System.arraycopy(m, off + full, last, 0, len - full);
                block(last, 0);
            }
        }

        /** Absorbs the lengths block (no associated data, {@code len} bytes of ciphertext) and writes the tag. */
        void finish(long len, byte[] out, int off) {
            java.util.Arrays.fill(last, (byte) 0);
            for (int i = 0; i < 8; i++) {
                last[8 + i] = (byte) (len >>> (8 * i));
            }
            block(last, 0);
            tag(out, off);
        }

        private void block(byte[] m, int off) {
            int t0 = le32(m, off), t1 = le32(m, off + 4), t2 = le32(m, off + 8), t3 = le32(m, off + 12);
            h0 += t0 & 0x3ffffff;
            h1 += ((t0 >>> 26) | (t1 << 6)) & 0x3ffffff;
            h2 += ((t1 >>> 20) | (t2 << 12)) & 0x3ffffff;
            h3 += ((t2 >>> 14) | (t3 << 18)) & 0x3ffffff;
            h4 += (t3 >>> 8) | (1 << 24);

            long s1 = r1 * 5L, s2 = r2 * 5L, s3 = r3 * 5L, s4 = r4 * 5L;
            long d0 = h0 * (long) r0 + h1 * s4 + h2 * s3 + h3 * s2 + h4 * s1;
            long d1 = h0 * (long) r1 + h1 * (long) r0 + h2 * s4 + h3 * s3 + h4 * s2;
            long d2 = h0 * (long) r2 + h1 * (long) r1 + h2 * (long) r0 + h3 * s4 + h4 * s3;
            long d3 = h0 * (long) r3 + h1 * (long) r2 + h2 * (long) r1 + h3 * (long) r0 + h4 * s4;
            long d4 = h0 * (long) r4 + h1 * (long) r3 + h2 * (long) r2 + h3 * (long) r1 + h4 * (long) r0;

            long c = d0 >>> 26;
            h0 = (int) d0 & 0x3ffffff;
            d1 += c;
            c = d1 >>> 26;
            h1 = (int) d1 & 0x3ffffff;
            d2 += c;
            c = d2 >>> 26;
            h2 = (int) d2 & 0x3ffffff;
            d3 += c;
            c = d3 >>> 26;
            h3 = (int) d3 & 0x3ffffff;
            d4 += c;
            c = d4 >>> 26;
            h4 = (int) d4 & 0x3ffffff;
            long t = h0 + c * 5; // c < 2^29, so this fits a long with room, though not always an int
            h0 = (int) t & 0x3ffffff;
            h1 += (int) (t >>> 26);
        }

        private void tag(byte[] out, int off) {
            int c = h1 >>> 26;
            h1 &= 0x3ffffff;
            h2 += c;
            c = h2 >>> 26;
            h2 &= 0x3ffffff;
            h3 += c;
            c = h3 >>> 26;
            h3 &= 0x3ffffff;
            h4 += c;
            c = h4 >>> 26;
            h4 &= 0x3ffffff;
            h0 += c * 5;
            c = h0 >>> 26;
            h0 &= 0x3ffffff;
            h1 += c;

            // h - p, kept when h >= p (constant time: a mask, no branch)
            int g0 = h0 + 5;
            c = g0 >>> 26;
            g0 &= 0x3ffffff;
            int g1 = h1 + c;
            c = g1 >>> 26;
            g1 &= 0x3ffffff;
            int g2 = h2 + c;
            c = g2 >>> 26;
            g2 &= 0x3ffffff;
            int g3 = h3 + c;
            c = g3 >>> 26;
            g3 &= 0x3ffffff;
            int g4 = h4 + c - (1 << 26);

            int mask = (g4 >>> 31) - 1; // all ones when g4 did not go negative, i.e. h >= p
            g0 &= mask;
            g1 &= mask;
            g2 &= mask;
            g3 &= mask;
            g4 &= mask;
            mask = ~mask;
            h0 = (h0 & mask) | g0;
            h1 = (h1 & mask) | g1;
            h2 = (h2 & mask) | g2;
            h3 = (h3 & mask) | g3;
            h4 = (h4 & mask) | g4;

            // h mod 2^128, then + s
            long f0 = ((h0) | (h1 << 26)) & 0xffffffffL;
            long f1 = ((h1 >>> 6) | (h2 << 20)) & 0xffffffffL;
            long f2 = ((h2 >>> 12) | (h3 << 14)) & 0xffffffffL;
            long f3 = ((h3 >>> 18) | (h4 << 8)) & 0xffffffffL;
            f0 += pad0 & 0xffffffffL;
            f1 += (pad1 & 0xffffffffL) + (f0 >>> 32);
            f2 += (pad2 & 0xffffffffL) + (f1 >>> 32);
            f3 += (pad3 & 0xffffffffL) + (f2 >>> 32);
            put32(out, off, (int) f0);
            put32(out, off + 4, (int) f1);
            put32(out, off + 8, (int) f2);
            put32(out, off + 12, (int) f3);
        }

        private static void put32(byte[] b, int off, int v) {
            b[off] = (byte) v;
            b[off + 1] = (byte) (v >>> 8);
            b[off + 2] = (byte) (v >>> 16);
            b[off + 3] = (byte) (v >>> 24);
        }
    }
}
