package io.convspark.jobs;

import java.io.IOException;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Writes a DataFrame as a Parquet directory on any Hadoop file system so that no partial output is ever left
 * where a good one was: Spark writes into a sibling temporary directory, which is renamed into place only after
 * the job succeeded; an existing output is replaced only with {@code overwrite}, and then only after the new
 * one is complete.
 */
final class ParquetOutput {
    private final Path target;
    private final FileSystem fs;

    ParquetOutput(String target, Configuration hadoop) throws IOException {
        this.target = new Path(target);
        this.fs = this.target.getFileSystem(hadoop);
    }

    /** Fails before any work when the target exists and may not be replaced. */
    void checkWritable(boolean overwrite) throws IOException {
        if (fs.exists(target) && !overwrite) {
            throw new UserError("--output: " + target + " already exists (use --overwrite to replace it)");
        }
    }

    void write(Dataset<Row> frame, boolean overwrite) throws IOException {
        checkWritable(overwrite);
        String tag = UUID.randomUUID().toString().substring(0, 8);
        Path temp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + tag);
        try {
            frame.write().parquet(temp.toString());
            Path old = null;
            if (fs.exists(target)) {
                old = new Path(target.getParent(), "." + target.getName() + ".old-" + tag);
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
