package io.hpcdask.server;

import io.hpcdask.server.api.DashboardSummary;
import java.util.ArrayList;
import java.util.List;

/**
 * The counts per state over the last {@link #SECONDS} seconds, one sample a second, in a fixed ring: what the
 * dashboard's chart draws. Sampled on the loop's tick; read by the dashboard's thread.
 */
final class CountSeries {
    static final int SECONDS = 600;
    private final long[] seconds = new long[SECONDS];
    private final long[] finished = new long[SECONDS];
    private final long[][] counts = new long[SECONDS][];
    private int size;
    private int next;

    /** Records the counts at {@code nowMillis}; a second sampled already is overwritten with the later counts. */
    synchronized void sample(long nowMillis, long[] snapshot, long finishedTotal) {
        long second = Math.floorDiv(nowMillis, 1000) * 1000;
        int last = (next + SECONDS - 1) % SECONDS;
        int at;
        if (size > 0 && seconds[last] == second) {
            at = last;
        } else {
            at = next;
            next = (next + 1) % SECONDS;
            size = Math.min(SECONDS, size + 1);
        }
        seconds[at] = second;
        finished[at] = finishedTotal;
        counts[at] = snapshot.clone();
    }

    /** The samples, oldest first. */
    synchronized List<DashboardSummary.Sample> samples() {
        List<DashboardSummary.Sample> out = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            int at = (next - size + i + SECONDS) % SECONDS;
            List<Long> c = new ArrayList<>(counts[at].length);
            for (long n : counts[at]) {
                c.add(n);
            }
            out.add(new DashboardSummary.Sample(seconds[at], finished[at], c));
        }
        return out;
    }
}
