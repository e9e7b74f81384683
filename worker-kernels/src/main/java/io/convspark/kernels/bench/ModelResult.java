package io.convspark.kernels.bench;

import java.util.List;

/**
 * All measurements of one model.
 *
 * @param model               the model's name
 * @param source              the definition file
 * @param parameters          all parameters, Keras' "Total params" (BatchNormalization moving statistics included)
 * @param trainableParameters parameters the optimizer updates
 * @param trainBatch          training batch size
 * @param inferenceBatch      inference batch size
 * @param runs                one per thread count
 * @param scaling             1 thread against the most threads, alternating in one run; null unless both were asked for
 * @param copies              the most threads against as many independent 1-thread copies at once (training); null
 *                            unless both were asked for
 */
public record ModelResult(String model, String source, long parameters, long trainableParameters, int trainBatch,
                          int inferenceBatch, List<ModelRun> runs, AlternatingScaling scaling,
                          IndependentCopies copies) {
    public ModelResult {
        runs = List.copyOf(runs);
    }
}
