package io.hpcdask.architecture.planted.upward;

import io.hpcdask.server.SchedulerServer;

/** Outside the server and launcher packages, so worker-bootstrap's by package, and yet it reaches up to the server. */
public class ReachesUp {
    public boolean reach(SchedulerServer server) {
        return server != null;
    }
}
