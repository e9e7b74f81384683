package io.convspark.driver.ml;

import io.convspark.kernels.compute.Gemms;
import io.convspark.kernels.compute.KernelExecutor;
import io.convspark.kernels.data.BatchAssembler;
import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.layers.StepContext;
import io.convspark.kernels.model.Model;
import io.convspark.kernels.model.io.ModelFile;
import io.convspark.kernels.model.io.SavedModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Everything a scoring task computes with, built once from the model file and reused batch after batch: the
 * model (its layers keep their activation workspaces), the kernel threads, and the uint8 batch the images are
 * decoded into with its normalized float copy. Used by one task at a time.
 */
final class ScoringReplica implements AutoCloseable {
    private final Model model;
    private final KernelExecutor executor;
    private final StepContext context;
    private final ImageDataset batch;
    private final BatchAssembler assembler;

    private ScoringReplica(SavedModel saved, int batchSize, int sampleSize, int threads) {
        this.model = saved.model();
        this.executor = new KernelExecutor(Math.max(1, threads));
        this.context = new StepContext(executor, Gemms.get()).training(false);
        var shape = model.inputShape();
        this.batch = new ImageDataset(new byte[batchSize * sampleSize], new int[batchSize], shape.channels(),
                shape.height(), shape.width(), 1);
        this.assembler = new BatchAssembler(batch, saved.normalizer(), batchSize, executor);
    }

    /** Builds a replica from the bytes of a model file written by {@link ModelFile}. */
    static ScoringReplica build(byte[] modelFile, ScoringSpec spec) {
        try {
            SavedModel saved = ModelFile.load(new ByteArrayInputStream(modelFile), "the broadcast model");
            return new ScoringReplica(saved, spec.batchSize(), spec.decoder().sampleSize(), spec.threads());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Model model() {
        return model;
    }

    /** The batch's raw pixels: image {@code i} of the batch goes at {@code i * sampleSize}. */
    byte[] pixels() {
        return batch.pixels();
    }

    /** Normalizes the first {@code count} decoded images and runs the network on them (inference mode). */
    io.convspark.kernels.tensor.Tensor forward(int count) {
        assembler.fillRange(0, count);
        return model.forward(assembler.inputs(), context);
    }

    @Override
    public void close() {
        executor.close();
    }
}
