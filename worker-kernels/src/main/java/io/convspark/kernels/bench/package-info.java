/**
 * The kernel benchmark behind {@code convspark bench}: training and inference throughput of whole
 * models, per-layer forward/backward GFLOP/s, the machine's measured sgemm peak that those
 * GFLOP/s are compared against, and the thread scaling measured with 1 and N threads taking turns
 * ({@link io.convspark.kernels.bench.AlternatingScaling}). {@code bench/pytorch_reference.py} times the same models with
 * PyTorch and writes the same JSON, so the two can be put side by side.
 */
package io.convspark.kernels.bench;
