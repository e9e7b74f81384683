package io.convspark.jobs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * An output directory on any Hadoop file system (a Parquet data set, a folder of PNG files) written so that no
 * partial output is ever left where a good one was: the content goes into a hidden sibling directory, which is
 * renamed into place only once complete; an existing output is replaced only with {@code overwrite}, and then
 * only after the new one is complete.
 */
final class OutputDirectory {
    /** Writes the whole output into {@code dir} (which does not exist yet). */
    @FunctionalInterface
    interface Content {
        void writeInto(Path dir) throws IOException;
    }

    private final Path target;
    private final FileSystem fs;

    OutputDirectory(String target, Configuration hadoop) throws IOException {
        this.target = new Path(target);
        this.fs = this.target.getFileSystem(hadoop);
    }

    FileSystem fileSystem() {
        return fs;
    }

    /** Fails before any work when the target exists and may not be replaced. */
    void checkWritable(boolean overwrite) throws IOException {
        if (fs.exists(target) && !overwrite) {
            throw new UserError("--output: " + target + " already exists (use --overwrite to replace it)");
        }
    }

    void write(Content content, boolean overwrite) throws IOException {
        checkWritable(overwrite);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path parent = target.getParent();
        Path temp = new Path(parent, "." + target.getName() + ".tmp-" + tag);
        try {
            content.writeInto(temp);
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(parent, "." + target.getName() + ".old-" + tag);
                rename(target, old);
            }
            rename(temp, target);
            if (old != null) {
                fs.delete(old, true);
            }
        } finally {
            if (fs.exists(temp)) {
                fs.delete(temp, true);
            }
        }
    }

    private void rename(Path from, Path to) throws IOException {
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }
}
