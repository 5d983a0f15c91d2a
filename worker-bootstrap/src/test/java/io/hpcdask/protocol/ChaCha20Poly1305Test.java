package io.hpcdask.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;
import javax.crypto.Cipher;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class ChaCha20Poly1305Test {
    /**
     * The JDK's cipher used the plain way is the reference for the nonce layout and the offsets: every length from 0 to
     * 139 (partial blocks of both kinds), then random ones.
     */
    @Test
    void sealIsTheJdksChaCha20Poly1305WithTheSequenceNumberAsNonce() throws Exception {
        Random random = new Random(8439);
        for (int round = 0; round < 300; round++) {
            byte[] key = new byte[32];
            random.nextBytes(key);
            long nonce = round < 5 ? round : random.nextLong() & Long.MAX_VALUE;
            int len = round < 140 ? round : random.nextInt(5000);
            byte[] plain = new byte[len];
            random.nextBytes(plain);

            byte[] ours = new byte[len + 16];
            new ChaCha20Poly1305(key).seal(nonce, plain, 0, len, ours, 0);
            byte[] jdk = jdk(Cipher.ENCRYPT_MODE, key, nonce, plain);
            assertThat(ours).as("length %d", len).isEqualTo(jdk);

            byte[] opened = new byte[len];
            assertThat(new ChaCha20Poly1305(key).open(nonce, jdk, 0, len, opened, 0)).isTrue();
            assertThat(opened).isEqualTo(plain);
        }
    }

    @Test
    void aWrongTagNonceOrKeyOpensNothing() throws Exception {
        byte[] key = new byte[32];
        new Random(1).nextBytes(key);
        byte[] plain = "start-run r1 argv true".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] sealed = jdk(Cipher.ENCRYPT_MODE, key, 7, plain);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            byte[] out = new byte[plain.length];
            assertThat(new ChaCha20Poly1305(key).open(7, altered, 0, plain.length, out, 0)).as("byte %d", i).isFalse();
            assertThat(out).as("nothing decrypted").containsOnly(0);
        }
        assertThat(new ChaCha20Poly1305(key).open(8, sealed, 0, plain.length, new byte[plain.length], 0)).isFalse();
        byte[] other = key.clone();
        other[31] ^= 0x80;
        assertThat(new ChaCha20Poly1305(other).open(7, sealed, 0, plain.length, new byte[plain.length], 0)).isFalse();
    }

    @Test
    void sealsInPlaceAndAtOffsets() {
        byte[] key = new byte[32];
        new Random(2).nextBytes(key);
        byte[] plain = new byte[200];
        new Random(3).nextBytes(plain);
        byte[] buf = new byte[300];
        System.arraycopy(plain, 0, buf, 10, 200);
        ChaCha20Poly1305 cipher = new ChaCha20Poly1305(key);
        cipher.seal(99, buf, 10, 200, buf, 10);
        byte[] separate = new byte[216];
        new ChaCha20Poly1305(key).seal(99, plain, 0, 200, separate, 0);
        assertThat(Arrays.copyOfRange(buf, 10, 226)).isEqualTo(separate);
        assertThat(new ChaCha20Poly1305(key).open(99, buf, 10, 200, buf, 10)).isTrue();
        assertThat(Arrays.copyOfRange(buf, 10, 210)).isEqualTo(plain);
    }

    private static byte[] jdk(int mode, byte[] key, long nonce, byte[] input) throws Exception {
        byte[] iv = new byte[12];
        for (int i = 0; i < 8; i++) {
            iv[11 - i] = (byte) (nonce >>> (8 * i));
        }
        Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
        c.init(mode, new SecretKeySpec(key, "ChaCha20"), new IvParameterSpec(iv));
        return c.doFinal(input);
    }
}
