package io.hpcdask.server.transport;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP proxy between a worker and its scheduler that keeps every byte it forwards (a capture of the link), and can
 * flip one bit of the Nth frame of either direction, once (a tampering middlebox). It reads the 4-byte length prefix
 * to find frames; it knows no keys.
 */
final class FrameProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final ByteArrayOutputStream toScheduler = new ByteArrayOutputStream();
    private final ByteArrayOutputStream toWorker = new ByteArrayOutputStream();
    /** Tamper with the first frame at or after this index (per connection, per direction), or -1; -1 once done. */
    final AtomicInteger tamperToWorker = new AtomicInteger(-1);
    final AtomicInteger tamperToScheduler = new AtomicInteger(-1);
    final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    FrameProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "frame-proxy");
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Everything sent either way so far. */
    byte[] capture() {
        synchronized (this) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            all.writeBytes(toScheduler.toByteArray());
            all.writeBytes(toWorker.toByteArray());
            return all.toByteArray();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket worker = listener.accept();
                Socket scheduler = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                connections.incrementAndGet();
                pump(worker, scheduler, toScheduler, tamperToScheduler);
                pump(scheduler, worker, toWorker, tamperToWorker);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, ByteArrayOutputStream record, AtomicInteger tamper) {
        Thread t = new Thread(() -> {
            try (from; to) {
                DataInputStream in = new DataInputStream(from.getInputStream());
                DataOutputStream out = new DataOutputStream(to.getOutputStream());
                for (int index = 0; ; index++) {
                    int length = in.readInt();
                    byte[] body = new byte[length];
                    in.readFully(body);
                    int at = tamper.get();
                    if (length > 0 && at >= 0 && index >= at && tamper.compareAndSet(at, -1)) {
                        body[length / 2] ^= 0x01;
                    }
                    synchronized (this) {
                        new DataOutputStream(record).writeInt(length);
                        record.write(body);
                    }
                    out.writeInt(length);
                    out.write(body);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both (try-with-resources)
            }
        }, "frame-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
