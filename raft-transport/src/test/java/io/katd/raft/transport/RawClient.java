package io.katd.raft.transport;

import io.katd.proto.transport.Frame;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;

/**
 * A peer written by hand on a blocking socket, to send a transport whatever bytes a test
 * wants. Reads wait at most {@link Await#TIMEOUT}.
 */
final class RawClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    RawClient(InetSocketAddress address) {
        try {
            socket = new Socket();
            socket.connect(address, (int) Await.TIMEOUT.toMillis());
            socket.setSoTimeout((int) Await.TIMEOUT.toMillis());
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void write(Frame f) {
        write(PipelineTest.wire(f));
    }

    Frame read() {
        try {
            byte[] body = new byte[in.readInt()];
            in.readFully(body);
            return Frame.parseFrom(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads until the other side closes the connection (an orderly close or a reset);
     * returns the frames read before. Fails when the connection stays open past the
     * timeout.
     */
    List<Frame> readUntilClosed() {
        List<Frame> frames = new ArrayList<>();
        try {
            while (true) {
                byte[] body = new byte[in.readInt()];
                in.readFully(body);
                frames.add(Frame.parseFrom(body));
            }
        } catch (EOFException e) {
            return frames;
        } catch (SocketException e) {
            // A reset: the transport closed while our bytes were still unread.
            return frames;
        } catch (IOException e) {
            throw new AssertionError("the connection was not closed: " + e, e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
