package io.convspark.kernels.bench;

import java.util.List;

/**
 * One layer's median forward and backward time on a batch, with the FLOPs of its matrix products
 * and what they make of the measured sgemm peak.
 *
 * @param name            layer name
 * @param type            Keras class name
 * @param outputShape     per-sample output shape
 * @param batch           samples per pass
 * @param forwardMs       median forward time (training mode)
 * @param inferenceMs     median forward time in inference mode (moving statistics, no dropout masks)
 * @param forwardGflop    FLOPs of the forward products, in GFLOP ({@link LayerFlops})
 * @param forwardGflops   {@code forwardGflop / forwardMs}, GFLOP/s (0 when the layer has no products)
 * @param forwardPeakShare {@code forwardGflops / peakGflops}
 * @param backwardMs      median backward time, fused activation derivative included
 * @param backwardGflop   FLOPs of the backward products, in GFLOP
 * @param backwardGflops  GFLOP/s of backward
 * @param backwardPeakShare {@code backwardGflops / peakGflops}
 * @param inputGradient   whether backward computed the input gradient (not for the first layer)
 */
public record LayerTiming(String name, String type, List<Integer> outputShape, int batch,
                          double forwardMs, double inferenceMs, double forwardGflop, double forwardGflops, double forwardPeakShare,
                          double backwardMs, double backwardGflop, double backwardGflops, double backwardPeakShare,
                          boolean inputGradient) {

    static LayerTiming of(String name, String type, List<Integer> outputShape, int batch, double forwardMs,
                          double inferenceMs, long forwardFlop, double backwardMs, long backwardFlop, boolean inputGradient,
                          double peakGflops) {
        double fGflops = forwardFlop / 1e6 / forwardMs;
        double bGflops = backwardFlop / 1e6 / backwardMs;
        return new LayerTiming(name, type, outputShape, batch, forwardMs, inferenceMs, forwardFlop / 1e9, fGflops,
                fGflops / peakGflops, backwardMs, backwardFlop / 1e9, bGflops, bGflops / peakGflops, inputGradient);
    }
}
