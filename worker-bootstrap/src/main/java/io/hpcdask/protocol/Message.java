package io.hpcdask.protocol;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.util.List;
import java.util.Map;

/**
 * Every message on the worker link. Frames are a 4-byte big-endian length followed by one message: in the plaintext
 * handshake a JSON object whose {@code type} names the record, in sealed frames its {@link CompactForm} (see
 * {@link MessageFraming}). {@link #VERSION} is checked in the handshake; bump it on any incompatible change. A field
 * added to a record needs its lines in {@link CompactForm} and {@link MessageSchema} (the codec tests fill every
 * component by reflection and fail until it has them).
 * <p>
 * The handshake, in plaintext: worker {@link AuthStart} (its nonce), scheduler {@link AuthChallenge} (its nonce),
 * worker {@link AuthProof}, scheduler {@link AuthProof} (or {@link Refused} for a wrong proof) — see {@link LinkAuth}.
 * Every later frame, in both directions, is encrypted and authenticated ({@link FrameCipher}), starting with the
 * worker's {@link Hello}. The token itself never travels.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
    @JsonSubTypes.Type(value = Message.AuthStart.class, name = "auth-start"),
    @JsonSubTypes.Type(value = Message.AuthChallenge.class, name = "auth-challenge"),
    @JsonSubTypes.Type(value = Message.AuthProof.class, name = "auth-proof"),
    @JsonSubTypes.Type(value = Message.Hello.class, name = "hello"),
    @JsonSubTypes.Type(value = Message.Welcome.class, name = "welcome"),
    @JsonSubTypes.Type(value = Message.Refused.class, name = "refused"),
    @JsonSubTypes.Type(value = Message.Heartbeat.class, name = "heartbeat"),
    @JsonSubTypes.Type(value = Message.StartRun.class, name = "start-run"),
    @JsonSubTypes.Type(value = Message.RunStarted.class, name = "run-started"),
    @JsonSubTypes.Type(value = Message.RunOutput.class, name = "run-output"),
    @JsonSubTypes.Type(value = Message.RunFinished.class, name = "run-finished"),
    @JsonSubTypes.Type(value = Message.CancelRun.class, name = "cancel-run"),
    @JsonSubTypes.Type(value = Message.Drain.class, name = "drain"),
    @JsonSubTypes.Type(value = Message.Draining.class, name = "draining"),
    @JsonSubTypes.Type(value = Message.Stop.class, name = "stop"),
    @JsonSubTypes.Type(value = Message.RunReturned.class, name = "run-returned"),
})
public sealed interface Message {
    /** This build's protocol version ({@link Release#PROTOCOL}, from {@code version.properties}). */
    int VERSION = Release.PROTOCOL;

    /**
     * Worker to server, first frame (plaintext): its protocol version, a fresh nonce and its hpc-dask release (for the
     * message when the versions differ; a worker of hpc-dask 0.1 sends none). The version is checked before anything
     * else; it travels in plaintext because peers of two versions may not share a handshake to protect it.
     */
    record AuthStart(int version, byte[] nonce, String release) implements Message {
        public AuthStart(int version, byte[] nonce) {
            this(version, nonce, Release.VERSION);
        }
    }

    /** Server to worker (plaintext): its protocol version, a fresh nonce and its hpc-dask release. */
    record AuthChallenge(int version, byte[] nonce, String release) implements Message {
        public AuthChallenge(int version, byte[] nonce) {
            this(version, nonce, Release.VERSION);
        }
    }

    /** Either way (plaintext): proof of holding the cluster token, bound to both nonces and the sender's role. */
    record AuthProof(byte[] proof) implements Message {}

    /**
     * Worker to server, first encrypted frame. {@code resources} holds {@code cores}, {@code memory} (bytes) and every named
     * resource; {@code gpuIds} are the device ids behind the {@code gpu} amount. {@code heldRuns} are runs the
     * worker still has from before a reconnect (running, or ended with the result not yet reported), and
     * {@code heldAttempts} the attempt of each. {@code leaseMillis} is the worker's lease: when it has not heard from
     * the scheduler for that long it kills its runs, so the scheduler may re-stage them (after a margin).
     */
    record Hello(int version, String name, String host, String jobId, Map<String, Long> resources,
                 int slots, List<String> gpuIds, long endTimeMillis, List<String> heldRuns,
                 Map<String, Integer> heldAttempts, long leaseMillis) implements Message {
        public Hello(int version, String name, String host, String jobId, Map<String, Long> resources,
                     int slots, List<String> gpuIds, long endTimeMillis, List<String> heldRuns) {
            this(version, name, host, jobId, resources, slots, gpuIds, endTimeMillis, heldRuns, Map.of(), 0);
        }
    }

    /** Server to worker: accepted. The worker registers under {@code name}. */
    record Welcome(int version, long heartbeatMillis, String name) implements Message {}

    /**
     * Server to worker, then the connection closes: wrong token proof, wrong version, bad name. A refusal for another
     * protocol version carries the scheduler's {@code version} and {@code release} and a {@code proof}
     * ({@link LinkAuth#versionRefusalProof}) that lets the worker tell it from an impostor's; other refusals carry
     * version 0 and no proof.
     */
    record Refused(String reason, int version, String release, byte[] proof) implements Message {
        public Refused(String reason) {
            this(reason, 0, null, null);
        }
    }

    record Heartbeat(long timeMillis) implements Message {}

    /**
     * Server to worker: run {@code argv} (through {@code bash -c} when {@code shell}) with these resources.
     * {@code attempt} numbers the run's starts (1, 2, ...); every later message about this copy carries it, so a
     * result of a superseded copy is never taken for the current one. 0 means unknown (tests, old peers).
     */
    record StartRun(String runId, List<String> argv, boolean shell, String cwd, Map<String, String> env,
                    Map<String, Long> resources, List<String> gpuIds, int attempt) implements Message {
        public StartRun(String runId, List<String> argv, boolean shell, String cwd, Map<String, String> env,
                        Map<String, Long> resources, List<String> gpuIds) {
            this(runId, argv, shell, cwd, env, resources, gpuIds, 0);
        }
    }

    record RunStarted(String runId, long pid, int attempt) implements Message {
        public RunStarted(String runId, long pid) {
            this(runId, pid, 0);
        }
    }

    /** A chunk of a run's output; {@code stream} is {@code stdout} or {@code stderr}. */
    record RunOutput(String runId, String stream, byte[] data, int attempt) implements Message {
        public RunOutput(String runId, String stream, byte[] data) {
            this(runId, stream, data, 0);
        }
    }

    /**
     * The run's process ended. {@code exitCode} is its status (128+N when killed by signal N, as shells report);
     * {@code terminated} when it was killed by a signal or cancelled; {@code error} when it could not start;
     * {@code abandoned} when the worker killed it because its lease ran out (the scheduler re-stages it).
     */
    record RunFinished(String runId, int exitCode, boolean terminated, String error, int attempt, boolean abandoned)
            implements Message {
        public RunFinished(String runId, int exitCode, boolean terminated, String error) {
            this(runId, exitCode, terminated, error, 0, false);
        }
    }

    /**
     * Worker to server: the copy of {@code attempt} that was sent here never started and never will (the worker drains,
     * stops, or was sent it ahead and gives it back); the scheduler stages it again. A start the worker could not
     * make at once waits in its queue (see {@code WorkerAgent}); only such a start is returned.
     */
    record RunReturned(String runId, int attempt) implements Message {}

    /** Server to worker: kill the run's copy of {@code attempt} (0: whatever copy is held). */
    record CancelRun(String runId, int attempt) implements Message {
        public CancelRun(String runId) {
            this(runId, 0);
        }
    }

    /** Server to worker: take no new runs; exit when the last one ends. */
    record Drain(String reason) implements Message {}

    /** Worker to server: it takes no new runs (lifetime grace period reached, or told to drain). */
    record Draining(String reason) implements Message {}

    /** Server to worker: kill any runs and exit now. */
    record Stop(String reason) implements Message {}
}
