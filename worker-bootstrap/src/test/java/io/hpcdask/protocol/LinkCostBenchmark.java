package io.hpcdask.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Map;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * CPU per message of the worker link, old against new in the same JVM: the codec (databind JSON against the
 * streaming JSON that the handshake keeps and the compact form of sealed frames), the cipher (protocol 2's AES-256-GCM through the JDK with a {@code Cipher.init} per frame, the JDK's
 * ChaCha20-Poly1305 the same way, and {@link FrameCipher}: that cipher, in place), and the whole new path through the real pipeline
 * ({@link MessageFraming} on an EmbeddedChannel: encode, seal, frame, then unframe, open, decode). Each figure is
 * this thread's CPU time over N messages of the hot mix (a StartRun, RunStarted, RunFinished, a heartbeat and a small
 * output piece, in turn) after as many unmeasured ones. Not a test: run by {@code scripts/bench-link}, under C1 (as
 * workers run) and C2 (as the server runs).
 * <p>usage: LinkCostBenchmark [N] [label]
 */
public final class LinkCostBenchmark {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final List<Message> MIX = List.of(
            new Message.StartRun("4711", List.of("true"), false, "/home/user/project", Map.of("HPC_DASK_RUN", "4711"),
                    Map.of("cores", 1L, "memory", 1L << 30), List.of(), 1),
            new Message.RunStarted("4711", 123456, 1),
            new Message.RunFinished("4711", 0, false, null, 1, false),
            new Message.Heartbeat(1_764_633_600_000L),
            new Message.RunOutput("4711", "stdout", "step 17 of 40 done\n".getBytes(StandardCharsets.UTF_8), 1));
    private static long sink;

    private LinkCostBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        String label = args.length > 1 ? args[1] : "";
        byte[][] json = MIX.stream().map(WireCodec::encode).toArray(byte[][]::new); // the cipher rows seal JSON-sized frames
        byte[] key = LinkAuth.newNonce();

        row(label, "codec: databind (protocol 2)", n, i -> {
            byte[] b = DatabindCodec.encode(MIX.get(i % MIX.size()));
            sink += DatabindCodec.decode(b, 0, b.length).hashCode();
        });
        row(label, "codec: streaming JSON (handshake)", n, i -> {
            byte[] b = WireCodec.encode(MIX.get(i % MIX.size()));
            sink += WireCodec.decode(b).hashCode();
        });
        CompactForm.Writer compact = new CompactForm.Writer();
        row(label, "codec: compact form (protocol 3)", n, i -> {
            compact.write(MIX.get(i % MIX.size()));
            sink += WireCodec.decode(compact.array(), 0, compact.size()).hashCode();
        });
        JdkAead aes = new JdkAead("AES/GCM/NoPadding", "AES", key);
        JdkAead aesOpen = new JdkAead("AES/GCM/NoPadding", "AES", key);
        row(label, "cipher: JDK AES-256-GCM (protocol 2)", n, i -> {
            sink += aesOpen.open(aes.seal(json[i % json.length])).length;
        });
        JdkAead chacha = new JdkAead("ChaCha20-Poly1305", "ChaCha20", key);
        JdkAead chachaOpen = new JdkAead("ChaCha20-Poly1305", "ChaCha20", key);
        row(label, "cipher: JDK ChaCha20-Poly1305", n, i -> {
            sink += chachaOpen.open(chacha.seal(json[i % json.length])).length;
        });
        FrameCipher sealer = new FrameCipher(key);
        FrameCipher opener = new FrameCipher(key);
        byte[] buf = new byte[4096];
        row(label, "cipher: FrameCipher (protocol 3)", n, i -> {
            byte[] plain = json[i % json.length];
            sealer.seal(plain, 0, plain.length, buf, 0);
            opener.open(buf, 0, plain.length + FrameCipher.TAG_BYTES, buf, 0);
            sink += buf[0];
        });
        row(label, "old: databind + JDK AES-GCM + copies", n, i -> {
            byte[] sealed = aes.seal(DatabindCodec.encode(MIX.get(i % MIX.size())));
            byte[] plain = aesOpen.open(sealed);
            sink += DatabindCodec.decode(plain, 0, plain.length).hashCode();
        });
        EmbeddedChannel sender = new EmbeddedChannel();
        MessageFraming.install(sender.pipeline());
        MessageFraming.startEncryption(sender.pipeline(), key);
        EmbeddedChannel receiver = new EmbeddedChannel();
        MessageFraming.install(receiver.pipeline());
        MessageFraming.startDecryption(receiver.pipeline(), key);
        row(label, "new: whole pipeline (EmbeddedChannel)", n, i -> {
            sender.writeOutbound(MIX.get(i % MIX.size()));
            ByteBuf frame = sender.readOutbound();
            receiver.writeInbound(frame);
            sink += receiver.readInbound().hashCode();
        });
        if (sink == 42) {
            System.out.println(); // keeps the work observable
        }
    }

    interface Step {
        void run(int i) throws Exception;
    }

    private static void row(String label, String name, int n, Step step) throws Exception {
        for (int i = 0; i < n; i++) {
            step.run(i);
        }
        long t0 = THREADS.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
            step.run(i);
        }
        double micros = (THREADS.getCurrentThreadCpuTime() - t0) / 1e3 / n;
        System.out.printf("%-4s %-40s %8.2f us/message%n", label, name, micros);
    }

    /** A JDK AEAD the way protocol 2's FrameCipher used AES-GCM: a Cipher.init with the counter's nonce per frame. */
    private static final class JdkAead {
        private final Cipher cipher;
        private final SecretKeySpec key;
        private final boolean gcm;
        private long counter;

        JdkAead(String transformation, String algorithm, byte[] key) throws GeneralSecurityException {
            this.cipher = Cipher.getInstance(transformation);
            this.key = new SecretKeySpec(key, algorithm);
            this.gcm = algorithm.equals("AES");
        }

        byte[] seal(byte[] plain) throws GeneralSecurityException {
            cipher.init(Cipher.ENCRYPT_MODE, key, nonce());
            return cipher.doFinal(plain);
        }

        byte[] open(byte[] sealed) throws GeneralSecurityException {
            cipher.init(Cipher.DECRYPT_MODE, key, nonce());
            return cipher.doFinal(sealed);
        }

        private java.security.spec.AlgorithmParameterSpec nonce() {
            long n = counter++;
            byte[] iv = new byte[12];
            for (int i = 0; i < 8; i++) {
                iv[11 - i] = (byte) (n >>> (8 * i));
            }
            return gcm ? new GCMParameterSpec(128, iv) : new IvParameterSpec(iv);
        }
    }
}
