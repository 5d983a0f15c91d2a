package io.hpcdask.worker;

import io.hpcdask.protocol.Message;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the worker has to tell the scheduler while the link is down. Run results are always kept; output is kept up
 * to a byte bound, and what is dropped beyond it is announced in the run's stderr instead of vanishing silently.
 */
final class PendingMessages {
    private final long maxOutputBytes;
    private final ArrayDeque<Message> queue = new ArrayDeque<>();
    private final Map<String, Long> droppedBytes = new LinkedHashMap<>();
    private long outputBytes;

    PendingMessages(long maxOutputBytes) {
        this.maxOutputBytes = maxOutputBytes;
    }

    void add(Message m) {
        if (m instanceof Message.RunOutput out) {
            if (outputBytes + out.data().length > maxOutputBytes) {
                droppedBytes.merge(out.runId(), (long) out.data().length, Long::sum);
                return;
            }
            outputBytes += out.data().length;
        } else if (m instanceof Message.RunFinished fin) {
            noteDropped(fin.runId());
        } else if (m instanceof Message.Heartbeat) {
            return; // stale by the time it could be sent
        }
        queue.add(m);
    }

    private void noteDropped(String runId) {
        Long dropped = droppedBytes.remove(runId);
        if (dropped != null) {
            String note = "hpc-dask worker: " + dropped + " bytes of output were dropped while the scheduler was unreachable\n";
            queue.add(new Message.RunOutput(runId, "stderr", note.getBytes(StandardCharsets.UTF_8)));
        }
    }

    /** Everything pending, oldest first, and empties the buffer. */
    List<Message> drain() {
        for (String runId : new ArrayList<>(droppedBytes.keySet())) {
            noteDropped(runId);
        }
        List<Message> out = new ArrayList<>(queue);
        queue.clear();
        outputBytes = 0;
        return out;
    }

    /** Runs whose results are still waiting here; the scheduler must hear they are held. */
    List<String> finishedRunIds() {
        return new ArrayList<>(finishedRuns().keySet());
    }

    /** Runs whose results are still waiting here, with the attempt of each. */
    Map<String, Integer> finishedRuns() {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Message m : queue) {
            if (m instanceof Message.RunFinished fin) {
                ids.put(fin.runId(), fin.attempt());
            }
        }
        return ids;
    }

    boolean isEmpty() {
        return queue.isEmpty() && droppedBytes.isEmpty();
    }
}
