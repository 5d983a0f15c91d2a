package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuDetectorTest {
    @TempDir
    Path dir;

    private Path fakeDriver(int gpus) throws Exception {
        Path driver = Files.createDirectories(dir.resolve("gpus"));
        for (int i = 0; i < gpus; i++) {
            Files.createDirectories(driver.resolve("0000:" + (10 + i) + ":00.0"));
        }
        return driver;
    }

    @Test
    void detectsTheDevicesTheBatchSystemGave() throws Exception {
        assertThat(GpuDetector.ids(Map.of("CUDA_VISIBLE_DEVICES", "2,5"), fakeDriver(8), null)).containsExactly("2", "5");
    }

    @Test
    void slurmsNoDevFilesMeansNone() throws Exception {
        assertThat(GpuDetector.ids(Map.of("CUDA_VISIBLE_DEVICES", "NoDevFiles"), fakeDriver(2), null)).isEmpty();
    }

    @Test
    void withoutTheVariableCountsTheDriversDevices() throws Exception {
        assertThat(GpuDetector.ids(Map.of(), fakeDriver(3), null)).containsExactly("0", "1", "2");
    }

    @Test
    void noDriverMeansNoGpus() throws Exception {
        assertThat(GpuDetector.ids(Map.of(), dir.resolve("absent"), null)).isEmpty();
    }

    @Test
    void aGivenCountNumbersDevicesFromZero() throws Exception {
        assertThat(GpuDetector.ids(Map.of(), fakeDriver(0), 2L)).containsExactly("0", "1");
    }

    @Test
    void aGivenCountTakesIdsFromTheVariable() throws Exception {
        assertThat(GpuDetector.ids(Map.of("CUDA_VISIBLE_DEVICES", "4,6,7"), fakeDriver(0), 2L)).containsExactly("4", "6");
    }

    @Test
    void aGivenCountBeyondTheVisibleDevicesIsBadInput() {
        assertThatThrownBy(() -> GpuDetector.ids(Map.of("CUDA_VISIBLE_DEVICES", "4"), dir, 2L))
                .isInstanceOf(UsageException.class)
                .hasMessageStartingWith("--resources: gpu=2 but CUDA_VISIBLE_DEVICES lists only 1 device(s)");
    }
}
