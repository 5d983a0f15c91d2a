package io.hpcdask.worker;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledDirectByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;

/**
 * Unpooled heap buffers, for socket reads too: Netty's {@code ioBuffer}, which each read asks for, is direct
 * whenever Unsafe is there, whatever the allocator prefers, and an unpooled direct buffer costs a malloc, a Cleaner
 * and a reflective free per read (a worker profile showed them on every read). The JDK reads a socket into a heap
 * buffer through a direct one it keeps per thread.
 */
final class HeapIoAllocator extends AbstractByteBufAllocator {
    HeapIoAllocator() {
        super(false);
    }

    @Override
    protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
        return new UnpooledDirectByteBuf(this, initialCapacity, maxCapacity);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return false;
    }

    @Override
    public ByteBuf ioBuffer() {
        return heapBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return heapBuffer(initialCapacity, maxCapacity);
    }
}

