package io.hpcdask.server.transport;

import io.hpcdask.protocol.FrameCipher;
import io.hpcdask.protocol.LinkAuth;
import io.hpcdask.protocol.Message;
import io.hpcdask.protocol.WireCodec;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The worker link spoken by hand over a blocking socket, either end, with the handshake and frame encryption. */
final class RawLink implements Closeable {
    final Socket socket;
    final DataInputStream in;
    final DataOutputStream out;
    FrameCipher sealer;
    FrameCipher opener;
    /** Every byte read from the peer, as it came over the wire. */
    final java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();

    RawLink(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(10_000);
        this.in = new DataInputStream(new java.io.FilterInputStream(socket.getInputStream()) {
            @Override
            public int read() throws IOException {
                int b = super.read();
                if (b >= 0) {
                    received.write(b);
                }
                return b;
            }

            @Override
            public int read(byte[] buf, int off, int len) throws IOException {
                int n = super.read(buf, off, len);
                if (n > 0) {
                    received.write(buf, off, n);
                }
                return n;
            }
        });
        this.out = new DataOutputStream(socket.getOutputStream());
    }

    static RawLink connect(int port) throws IOException {
        return new RawLink(new Socket("127.0.0.1", port));
    }

    static Message.Hello hello(String name) {
        return new Message.Hello(Message.VERSION, name, "host", null, Map.of("cores", 1L), 1, List.of(), 0, List.of());
    }

    void writeFrame(byte[] body) throws IOException {
        out.writeInt(body.length);
        out.write(body);
        out.flush();
    }

    byte[] readFrame() throws IOException {
        byte[] body = new byte[in.readInt()];
        in.readFully(body);
        return body;
    }

    void send(Message m) throws IOException {
        byte[] json = WireCodec.encode(m);
        writeFrame(sealer == null ? json : sealer.seal(json));
    }

    Message receive() throws IOException {
        byte[] body = readFrame();
        return WireCodec.decode(opener == null ? body : opener.open(body));
    }

    /**
     * The worker's side of the handshake with {@code token}: returns the scheduler's answer to the proof (its
     * {@link Message.AuthProof}, already verified and with encryption on, or a {@link Message.Refused}).
     */
    Message authenticateAsWorker(String token) throws IOException {
        byte[] key = token.getBytes(StandardCharsets.UTF_8);
        byte[] workerNonce = LinkAuth.newNonce();
        send(new Message.AuthStart(Message.VERSION, workerNonce));
        Message challenge = receive();
        if (!(challenge instanceof Message.AuthChallenge c)) {
            return challenge;
        }
        send(new Message.AuthProof(LinkAuth.proof(key, LinkAuth.Role.WORKER, c.nonce(), workerNonce)));
        Message answer = receive();
        if (answer instanceof Message.AuthProof p) {
            if (!LinkAuth.verify(key, LinkAuth.Role.SCHEDULER, c.nonce(), workerNonce, p.proof())) {
                throw new IOException("the scheduler's proof does not verify");
            }
            LinkAuth.Keys keys = LinkAuth.keys(key, c.nonce(), workerNonce);
            sealer = new FrameCipher(keys.workerToScheduler());
            opener = new FrameCipher(keys.schedulerToWorker());
        }
        return answer;
    }

    /**
     * The scheduler's side of the handshake with {@code token}: returns the worker's Hello (encryption on), or throws
     * when the worker's proof is wrong.
     */
    Message.Hello authenticateAsScheduler(String token) throws IOException {
        byte[] key = token.getBytes(StandardCharsets.UTF_8);
        Message.AuthStart start = (Message.AuthStart) receive();
        byte[] schedulerNonce = LinkAuth.newNonce();
        send(new Message.AuthChallenge(Message.VERSION, schedulerNonce));
        Message.AuthProof proof = (Message.AuthProof) receive();
        if (!LinkAuth.verify(key, LinkAuth.Role.WORKER, schedulerNonce, start.nonce(), proof.proof())) {
            throw new IOException("the worker's proof does not verify");
        }
        send(new Message.AuthProof(LinkAuth.proof(key, LinkAuth.Role.SCHEDULER, schedulerNonce, start.nonce())));
        LinkAuth.Keys keys = LinkAuth.keys(key, schedulerNonce, start.nonce());
        sealer = new FrameCipher(keys.schedulerToWorker());
        opener = new FrameCipher(keys.workerToScheduler());
        return (Message.Hello) receive();
    }

    /** Authenticates with {@code token}, sends {@code hello}, returns the answer (Welcome or Refused). */
    Message join(String token, Message.Hello hello) throws IOException {
        Message proof = authenticateAsWorker(token);
        if (!(proof instanceof Message.AuthProof)) {
            return proof;
        }
        send(hello);
        return receive();
    }

    /** Reads until the peer closes; false when it is still open after the socket's timeout. */
    boolean closedByPeer() {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (java.net.SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
