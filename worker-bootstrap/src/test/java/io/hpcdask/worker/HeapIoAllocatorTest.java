package io.hpcdask.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import java.util.List;
import org.junit.jupiter.api.Test;

class HeapIoAllocatorTest {
    @Test
    void theBuffersNettyReadsIntoAreHeapBuffers() {
        HeapIoAllocator alloc = new HeapIoAllocator();
        for (ByteBuf b : List.of(alloc.ioBuffer(), alloc.ioBuffer(1024), alloc.ioBuffer(1024, 4096), alloc.buffer())) {
            try {
                assertThat(b.isDirect()).isFalse();
                assertThat(b.hasArray()).isTrue();
            } finally {
                b.release();
            }
        }
        assertThat(alloc.isDirectBufferPooled()).isFalse();
        ByteBuf direct = alloc.directBuffer(16);
        assertThat(direct.isDirect()).as("asked for by name, still direct").isTrue();
        direct.release();
    }
}
