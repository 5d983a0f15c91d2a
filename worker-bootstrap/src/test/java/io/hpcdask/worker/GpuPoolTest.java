package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class GpuPoolTest {
    @Test
    void handsOutFreeDevicesAndTakesThemBack() {
        GpuPool pool = new GpuPool(List.of("0", "1", "2"));
        List<String> a = pool.take(List.of(), 2);
        assertThat(a).containsExactly("0", "1");
        assertThat(pool.take(List.of(), 2)).isNull();
        assertThat(pool.take(null, 0)).isEmpty();
        pool.release(a);
        assertThat(pool.freeCount()).isEqualTo(3);
    }

    @Test
    void theSchedulersChoiceWins() {
        GpuPool pool = new GpuPool(List.of("0", "1"));
        assertThat(pool.take(List.of("1"), 1)).containsExactly("1");
        assertThat(pool.take(List.of(), 1)).containsExactly("0");
    }
}
