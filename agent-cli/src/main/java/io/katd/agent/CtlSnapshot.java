package io.katd.agent;

import com.google.protobuf.ByteString;
import io.grpc.StatusRuntimeException;
import io.katd.proto.etcd.etcdserverpb.SnapshotRequest;
import io.katd.proto.etcd.etcdserverpb.SnapshotResponse;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Iterator;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code katd ctl snapshot save FILE}. */
@Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Snapshot commands.", subcommands = CtlSnapshot.Save.class)
final class CtlSnapshot {
    static final int SHA256_BYTES = 32;

    /**
     * Streams Maintenance.Snapshot of one member to {@code FILE.part}, syncs it and renames
     * it to FILE. As etcd's server does, the stream ends with a message holding the
     * SHA-256 of all bytes before it; the file keeps it (as etcdctl's does) once it is
     * checked.
     */
    @Command(name = "save", mixinStandardHelpOptions = true,
            description = "Saves a snapshot of one member's store to FILE (checked against"
                    + " the SHA-256 the member sends last).")
    static final class Save implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Parameters(paramLabel = "FILE")
        Path file;

        @Override
        public Integer call() throws IOException {
            CtlCommand ctl = CtlCommand.of(spec);
            Path part = file.resolveSibling(file.getFileName() + ".part");
            long bytes;
            try (EtcdClient c = ctl.connect()) {
                bytes = receive(c, part);
            } catch (StatusRuntimeException e) {
                Files.deleteIfExists(part);
                throw new ClientException("snapshot: " + EtcdClient.describe(e), e);
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(part);
                throw e;
            }
            Files.move(part, file, StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
            AtomicFiles.syncDirectory(file.toAbsolutePath().getParent());
            PrintWriter out = spec.commandLine().getOut();
            out.printf("Snapshot saved at %s (%d bytes)%n", file, bytes);
            out.flush();
            return Katd.OK;
        }

        private static long receive(EtcdClient c, Path part) throws IOException {
            MessageDigest sha = sha256();
            ByteString previous = null;
            long bytes = 0;
            Iterator<SnapshotResponse> stream = c.maintenanceUntimed()
                    .withDeadlineAfter(Math.max(60_000, c.commandTimeout().toMillis()),
                            TimeUnit.MILLISECONDS)
                    .snapshot(SnapshotRequest.getDefaultInstance());
            try (FileChannel ch = FileChannel.open(part, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                while (stream.hasNext()) {
                    ByteString blob = stream.next().getBlob();
                    if (previous != null) {
                        previous.asReadOnlyByteBufferList().forEach(sha::update);
                    }
                    for (var buf : blob.asReadOnlyByteBufferList()) {
                        while (buf.hasRemaining()) {
                            ch.write(buf);
                        }
                    }
                    bytes += blob.size();
                    previous = blob;
                }
                ch.force(true);
            }
            if (previous == null || previous.size() != SHA256_BYTES) {
                throw new ClientException("snapshot: the stream did not end with a SHA-256"
                        + " (" + (previous == null ? "no data" : previous.size()
                        + " bytes last") + "); not saved");
            }
            if (!ByteString.copyFrom(sha.digest()).equals(previous)) {
                throw new ClientException("snapshot: the SHA-256 of the data does not match"
                        + " the one the member sent; not saved");
            }
            return bytes;
        }

        private static MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JVM has no SHA-256", e);
            }
        }
    }
}
