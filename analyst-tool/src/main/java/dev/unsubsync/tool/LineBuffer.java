package dev.unsubsync.tool;

import java.io.IOException;
import java.io.OutputStream;

/** A reusable line of output: {@link java.io.ByteArrayOutputStream} without its locking. */
final class LineBuffer extends OutputStream {
    private byte[] bytes = new byte[4096];
    private int count;

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, count, len);
        count += len;
    }

    private void ensure(int more) {
        if (count + more > bytes.length) {
            bytes = java.util.Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + more));
        }
    }

    void writeTo(OutputStream target) throws IOException {
        target.write(bytes, 0, count);
    }

    String toString(java.nio.charset.Charset charset) {
        return new String(bytes, 0, count, charset);
    }

    void truncate(int size) {
        count = size;
    }
}
