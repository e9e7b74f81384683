package io.convspark.jobs;

import io.convspark.driver.progress.TrainingListener;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.optimizers.Optimizer;
import io.convspark.kernels.train.TrainingControl;
import java.io.PrintStream;
import java.util.Map;

/**
 * Shows a Spark training run on the driver's console as the local engine shows its own: the
 * replicas' live step events feed the {@link EpochLogger} (progress bar on a terminal, Keras epoch
 * lines), and their messages (resume point, stop reason) are printed as they come.
 */
final class ConsoleProgress implements TrainingListener {
    private final PrintStream out;
    private final EpochLogger logger;
    private final Control control;
    private int epochShown = -1;

    ConsoleProgress(PrintStream out, boolean terminal, int batchSize, int epochs) {
        this.out = out;
        this.logger = new EpochLogger(out, terminal, batchSize);
        this.control = new Control(epochs);
    }

    @Override
    public synchronized void onStep(int epoch, int step, int stepsPerEpoch, Map<String, Double> logs) {
        control.steps = stepsPerEpoch;
        if (epoch != epochShown) {
            epochShown = epoch;
            logger.onEpochBegin(epoch, control);
        }
        logger.onBatchEnd(epoch, step, logs, control);
    }

    @Override
    public synchronized void onEpochEnd(int epoch, Map<String, Double> logs) {
        logger.onEpochEnd(epoch, logs, control);
        epochShown = -1;
    }

    @Override
    public synchronized void onMessage(int rank, String message) {
        if (!message.startsWith("all-reduce server listening")) {
            out.println("[replica " + rank + "] " + message);
        }
    }

    /** The part of {@link TrainingControl} the epoch logger reads; the replicas own the rest. */
    private static final class Control implements TrainingControl {
        private final int epochs;
        private volatile int steps = 1;

        Control(int epochs) {
            this.epochs = epochs;
        }

        @Override
        public Model model() {
            throw new UnsupportedOperationException("the model lives in the replicas while Spark training runs");
        }

        @Override
        public Optimizer optimizer() {
            throw new UnsupportedOperationException("the optimizer lives in the replicas while Spark training runs");
        }

        @Override
        public void requestStop(String reason) {
            throw new UnsupportedOperationException("stopping Spark training from the driver is not supported yet");
        }

        @Override
        public boolean stopRequested() {
            return false;
        }

        @Override
        public long iterations() {
            return 0;
        }

        @Override
        public int epochs() {
            return epochs;
        }

        @Override
        public int stepsPerEpoch() {
            return steps;
        }
    }
}
