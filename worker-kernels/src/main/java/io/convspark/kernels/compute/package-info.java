/**
 * Compute back-ends shared by all layers: the fixed thread pool that splits work into a fixed number
 * of slots; the pluggable GEMM ({@link io.convspark.kernels.compute.Gemm}) with a portable Java
 * implementation, a Vector API one (register-tiled micro-kernels over packed panels, plus a
 * no-packing dot-product path for {@code A B^T} with few rows of B) and native OpenBLAS through
 * dev.ludovic.netlib, chosen once at start-up by {@link io.convspark.kernels.compute.Gemms}; and the
 * pluggable element-wise kernels ({@link io.convspark.kernels.compute.ElementwiseKernels}:
 * activations, their derivatives, sums, 2x2 max pooling), scalar or Vector API, chosen the same way;
 * and where a float array's cache lines begin ({@link io.convspark.kernels.compute.CacheLines}), so
 * that kernels can lay their workspaces out from a line's start.
 */
package io.convspark.kernels.compute;
