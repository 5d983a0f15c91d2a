package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProcessAgeTest {
    @Test
    void readsTheStartAfterACommandNameWithSpacesAndParentheses() {
        // fields 3 to 21 as a real line has them, then starttime (field 22) = 6,886,000 ticks after boot
        String stat = "4242 (java (a) b) S 1 4242 4242 0 -1 4194560 1 0 0 0 1 0 0 0 20 0 20 0 6886000 4096 10 0 0\n";
        assertThat(ProcessAge.millis(stat, "68867.89 104704.69\n")).isEqualTo(68_867_890 - 68_860_000);
    }

    /**
     * A child started between two readings of the clock is as old as they say, to the kernel's resolution (a tick, 10
     * ms, for the start and for the uptime). ProcessHandle's startInstant, whose boot time is in whole seconds, was off
     * by 190 ms here.
     */
    @Test
    void aChildsAgeIsTheTimeSinceItWasStarted() throws Exception {
        long before = System.currentTimeMillis();
        Process child = new ProcessBuilder("sleep", "30").start();
        long after = System.currentTimeMillis();
        try {
            Thread.sleep(300);
            long t0 = System.currentTimeMillis();
            long age = ProcessAge.millis(Long.toString(child.pid()));
            long t1 = System.currentTimeMillis();
            assertThat(age).isBetween(t0 - after - 25, t1 - before + 25);
        } finally {
            child.destroyForcibly();
            child.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void thisProcessIsAtLeastAsOldAsItsJvm() {
        long jvm = java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
        long age = ProcessAge.millis();
        assertThat(age).isGreaterThanOrEqualTo(jvm - 25);
    }

    @Test
    void withoutSuchAProcessItSaysSo() {
        assertThat(ProcessAge.millis("999999999")).isEqualTo(-1);
    }
}
