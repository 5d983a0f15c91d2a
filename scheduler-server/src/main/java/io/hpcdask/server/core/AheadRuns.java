package io.hpcdask.server.core;

import java.util.Comparator;
import java.util.TreeSet;

/**
 * Which workers may be sent a run ahead of their free capacity, and which one a run goes to. A run is sent ahead only
 * when it can start on no worker now (so no worker idles while it waits in another's queue at the time it is sent),
 * it names no gpu (device ids are chosen when a run takes them, and a run sent ahead takes nothing until it starts),
 * it holds no reservation, and a worker taking runs fits it by total capacity and holds fewer than its share ahead:
 * {@link CoreConfig#aheadPerSlot()} x its slots when that is fixed, else (adaptive, the server's default) as many runs
 * per slot as its recent runs ({@link RunPace}) take to fill {@value #BUDGET_MILLIS} ms, at least 1 and at most
 * {@value #MAX_ADAPTIVE_PER_SLOT}: a worker of short runs always holds a few ms of work, one of long runs holds one,
 * and a run waits behind at most about that much work on a worker while another could have taken it (the tail of an
 * array is not stretched). Among those, the earliest-joined gets it, as in dispatch. A worker whose share is full takes more only once half of it has started: it is then filled up again in one
 * dispatch, so several runs go out in one frame instead of one per start (a share of 1 or 2 refills at every start).
 * Pure bookkeeping beside {@link ShapeIndex}: kept current on every change of a worker, so a decision never scans
 * workers that are full.
 */
final class AheadRuns {
    /** Work per slot an adaptive share holds ahead: several round trips to the scheduler under load. */
    static final int BUDGET_MILLIS = 4;
    static final int MAX_ADAPTIVE_PER_SLOT = 16;
    /** Runs shorter than the core's clock can tell (ends reported with their start) count as this long. */
    private static final double SHORTEST_MILLIS = (double) BUDGET_MILLIS / MAX_ADAPTIVE_PER_SLOT;

    /** Runs per slot; {@link CoreConfig#AHEAD_ADAPTIVE}: chosen per worker from its pace. */
    private final int perSlot;
    private final TreeSet<Worker> open = new TreeSet<>(Comparator.comparingInt(w -> w.order));

    AheadRuns(int perSlot) {
        this.perSlot = perSlot;
    }

    boolean enabled() {
        return perSlot != 0;
    }

    /** How many runs {@code w} may hold ahead now. */
    long share(Worker w) {
        return (long) perSlot(w) * w.slots;
    }

    private int perSlot(Worker w) {
        if (perSlot != CoreConfig.AHEAD_ADAPTIVE) {
            return perSlot;
        }
        if (!w.pace.known()) {
            return 1;
        }
        double runs = Math.ceil(BUDGET_MILLIS / Math.max(SHORTEST_MILLIS, w.pace.millis()));
        return (int) Math.max(1, Math.min(MAX_ADAPTIVE_PER_SLOT, runs));
    }

    /** The worker to send {@code head} of {@code s} ahead to, or null. */
    Worker pick(Shape s, Run head) {
        if (open.isEmpty() || head.reserved != null || s.candidates == 0 || s.requires.containsKey(ResourceNames.GPU)) {
            return null;
        }
        for (Worker w : open) {
            if (s.fitsTotal(w)) {
                return w;
            }
        }
        return null;
    }

    /** Keeps {@code w}'s place current; {@code live}: it is the connected worker of its name. */
    void refresh(Worker w, boolean live) {
        long share = share(w);
        int held = w.ahead.size();
        if (enabled() && live && w.acceptsRuns() && w.reservedFor == null
                && (held <= share / 2 || held < share && open.contains(w))) {
            open.add(w);
        } else {
            open.remove(w);
        }
    }

    void forget(Worker w) {
        open.remove(w);
    }
}
