package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WorkerLoggingTest {
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(captured, true, StandardCharsets.UTF_8);

    private Map<String, String> properties(String level) {
        return WorkerLogging.properties(level, err);
    }

    @Test
    void infoToStderrWithTheMillisecondsSinceStartAndNoThreadOrLoggerName() {
        assertThat(properties(null)).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "info")
                .containsEntry("org.slf4j.simpleLogger.logFile", "System.err")
                .containsEntry("org.slf4j.simpleLogger.showDateTime", "true")
                .containsEntry("org.slf4j.simpleLogger.showThreadName", "false")
                .containsEntry("org.slf4j.simpleLogger.showLogName", "false")
                .doesNotContainKey("org.slf4j.simpleLogger.dateTimeFormat");
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void theLevelComesFromTheEnvironmentAndNettyStaysAtWarnOrAbove() {
        assertThat(properties(" debug ")).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "debug")
                .containsEntry("org.slf4j.simpleLogger.log.io.netty", "warn");
        assertThat(properties("ERROR")).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "error")
                .containsEntry("org.slf4j.simpleLogger.log.io.netty", "error");
        assertThat(properties("off")).containsEntry("org.slf4j.simpleLogger.log.io.netty", "off");
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void anUnknownLevelIsNamedAndInfoIsUsed() {
        assertThat(properties("LOUD")).containsEntry("org.slf4j.simpleLogger.defaultLogLevel", "info");
        assertThat(captured.toString(StandardCharsets.UTF_8)).contains("HPC_DASK_WORKER_LOG_LEVEL='LOUD' is no level")
                .contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }

    @Test
    void aPropertyGivenOnTheCommandLineIsKept() {
        String key = "org.slf4j.simpleLogger.showThreadName";
        String before = System.getProperty(key);
        System.setProperty(key, "true");
        try {
            WorkerLogging.configure(Map.of(), err);
            assertThat(System.getProperty(key)).isEqualTo("true");
        } finally {
            if (before == null) {
                System.clearProperty(key);
            } else {
                System.setProperty(key, before);
            }
        }
    }
}
