package dev.unsubsync.tool;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class BackgroundWriterTest {

    @Test
    void writesEveryBufferInOrderAndHandsBackAnotherToFill() throws IOException {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        try (BackgroundWriter writer = new BackgroundWriter(sink)) {
            byte[] buffer = new byte[16];
            for (int i = 0; i < 1000; i++) {
                buffer[0] = (byte) i;
                buffer[1] = (byte) (i >> 8);
                expected.write(buffer, 0, 2 + i % 14);
                byte[] next = writer.swap(buffer, 2 + i % 14);
                assertEquals(true, next != buffer, "a buffer handed over is not handed back while queued");
                buffer = next;
            }
        }
        assertArrayEquals(expected.toByteArray(), sink.toByteArray());
    }

    @Test
    void aFailedWriteIsRethrownToTheDumpInsteadOfLosingLinesSilently() {
        OutputStream full = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("No space left on device");
            }
        };
        IOException failure = assertThrows(IOException.class, () -> {
            try (BackgroundWriter writer = new BackgroundWriter(full)) {
                byte[] buffer = new byte[8];
                for (int i = 0; i < 100; i++) {
                    buffer = writer.swap(buffer, 8);
                }
            }
        });
        assertEquals("No space left on device", failure.getMessage());
    }
}
