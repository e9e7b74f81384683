package io.convspark.driver.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A directory of checkpoints on a Hadoop file system: {@code step-000000001234.ckpt}, newest = highest
 * step. {@link #write} goes to a hidden temporary file and renames it into place, then keeps only the
 * newest {@code keep} files; {@link #latest} skips (and logs) a corrupt file and falls back to the
 * previous one, so one bad write never loses training.
 */
public final class CheckpointStore {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    private static final String PREFIX = "step-";
    private static final String SUFFIX = ".ckpt";

    private final Path dir;
    private final FileSystem fs;
    private final int keep;

    public CheckpointStore(String dirUri, Configuration conf, int keep) throws IOException {
        this.dir = new Path(dirUri);
        this.fs = dir.getFileSystem(conf);
        this.keep = keep;
    }

    public String location() {
        return fs.makeQualified(dir).toString();
    }

    /** Writes {@code checkpoint} atomically and prunes old ones; returns where it went. */
    public String write(TrainingCheckpoint checkpoint) throws IOException {
        fs.mkdirs(dir);
        Path target = new Path(dir, name(checkpoint.globalStep()));
        Path tmp = new Path(dir, "_tmp-" + UUID.randomUUID() + SUFFIX);
        try (OutputStream out = fs.create(tmp, true)) {
            checkpoint.write(out);
        } catch (IOException | RuntimeException e) {
            fs.delete(tmp, false);
            throw e;
        }
        if (fs.exists(target)) {
            fs.delete(target, false);
        }
        if (!fs.rename(tmp, target)) {
            fs.delete(tmp, false);
            throw new IOException("could not rename checkpoint " + tmp + " to " + target);
        }
        prune();
        return target.toString();
    }

    /** The newest readable checkpoint, if any. */
    public Optional<TrainingCheckpoint> latest() throws IOException {
        for (Path p : newestFirst()) {
            try (InputStream in = fs.open(p)) {
                return Optional.of(TrainingCheckpoint.read(in, p.toString()));
            } catch (CheckpointException e) {
                LOG.warn("skipping unusable checkpoint: {}", e.getMessage());
            }
        }
        return Optional.empty();
    }

    /** Reads the checkpoint of global step {@code step}. */
    public TrainingCheckpoint read(long step) throws IOException {
        Path p = new Path(dir, name(step));
        try (InputStream in = fs.open(p)) {
            return TrainingCheckpoint.read(in, p.toString());
        }
    }

    /** Checkpoint files, newest first. */
    public List<Path> newestFirst() throws IOException {
        List<Path> files = new ArrayList<>();
        if (!fs.exists(dir)) {
            return files;
        }
        for (FileStatus st : fs.listStatus(dir)) {
            String n = st.getPath().getName();
            if (st.isFile() && n.startsWith(PREFIX) && n.endsWith(SUFFIX)) {
                files.add(st.getPath());
            }
        }
        files.sort((a, b) -> b.getName().compareTo(a.getName()));
        return files;
    }

    private void prune() throws IOException {
        List<Path> files = newestFirst();
        for (int i = keep; i < files.size(); i++) {
            fs.delete(files.get(i), false);
        }
    }

    static String name(long step) {
        return PREFIX + String.format(Locale.ROOT, "%012d", step) + SUFFIX;
    }
}
