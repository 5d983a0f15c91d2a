package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

class WorkerLogProviderTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream stderr;

    @BeforeEach
    void captureStderr() {
        stderr = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(stderr);
    }

    private String err() {
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static WorkerLogProvider provider(String level) {
        WorkerLogProvider p = new WorkerLogProvider();
        p.configure(level);
        return p;
    }

    @Test
    void writesTimeLevelAndMessageLikeTheWorkersLogbackPattern() {
        Logger log = provider(null).getLogger("io.hpcdask.worker.WorkerAgent");
        log.info("Connected to {} as {}", "10.0.0.1:8786", "w-1");
        log.warn("Lost the scheduler");
        log.debug("not shown at INFO");
        assertThat(err()).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  worker Connected to 10.0.0.1:8786 as w-1\\R"
                + "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  worker Lost the scheduler\\R");
    }

    @Test
    void aTrailingThrowableIsPrintedWithItsStackTrace() {
        provider(null).getLogger("x").error("Run {} could not start", "r1", new IllegalStateException("no perl"));
        assertThat(err()).contains("ERROR worker Run r1 could not start")
                .contains("java.lang.IllegalStateException: no perl").contains("\tat ");
    }

    @Test
    void theLevelComesFromTheEnvironmentAndNettyStaysAtWarn() {
        WorkerLogProvider debug = provider("debug");
        assertThat(debug.getLogger("io.hpcdask.worker.SchedulerLink").isDebugEnabled()).isTrue();
        assertThat(debug.getLogger("io.netty.channel.nio.NioEventLoop").isDebugEnabled()).isFalse();
        assertThat(debug.getLogger("io.netty.channel.nio.NioEventLoop").isWarnEnabled()).isTrue();
        assertThat(provider("ERROR").getLogger("a").isWarnEnabled()).isFalse();
        assertThat(provider("OFF").getLogger("a").isErrorEnabled()).isFalse();
        assertThat(err()).isEmpty();
    }

    @Test
    void anUnknownLevelIsNamedAndInfoIsUsed() {
        WorkerLogProvider p = provider("LOUD");
        assertThat(err()).contains("HPC_DASK_WORKER_LOG_LEVEL='LOUD' is no level").contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        assertThat(p.getLogger("a").isInfoEnabled()).isTrue();
        assertThat(p.getLogger("a").isDebugEnabled()).isFalse();
    }
}
