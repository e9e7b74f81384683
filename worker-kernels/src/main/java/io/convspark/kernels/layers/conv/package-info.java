/**
 * The machinery behind the convolution layers of {@link io.convspark.kernels.layers}: the options
 * they share ({@link io.convspark.kernels.layers.conv.ConvOptions}, and
 * {@link io.convspark.kernels.layers.conv.DepthwiseConvOptions} for the layers with a depthwise
 * stage), the im2col/col2im lowering
 * ({@link io.convspark.kernels.layers.conv.Im2Col}), the dense convolutions behind one interface
 * ({@link io.convspark.kernels.layers.conv.Convolution}): im2col + GEMM
 * ({@link io.convspark.kernels.layers.conv.GemmConvolution}), the same lowering with a register-tiled
 * product for short reductions, a model's first layer
 * ({@link io.convspark.kernels.layers.conv.ShortReductionConvolution}, its weight gradient in
 * {@link io.convspark.kernels.layers.conv.ShortReductionGradient}), and Winograd F(4x4, 3x3) or
 * F(2x2, 3x3) ({@link io.convspark.kernels.layers.conv.WinogradConvolution}; the schemes in
 * {@link io.convspark.kernels.layers.conv.WinogradScheme} with their tile transforms in
 * {@link io.convspark.kernels.layers.conv.Winograd4Transforms} and
 * {@link io.convspark.kernels.layers.conv.WinogradTransforms}; vectorized over whole planes, one
 * lane a tile, in {@link io.convspark.kernels.layers.conv.Winograd4Planes} and
 * {@link io.convspark.kernels.layers.conv.WinogradPlanes}, which cover a plane's tiles with the
 * vectors of {@link io.convspark.kernels.layers.conv.TileVectors}; tile by tile in
 * {@link io.convspark.kernels.layers.conv.WinogradTileByTile}), and two direct convolutions for
 * layers too narrow for a GEMM: filters in a vector's lanes
 * ({@link io.convspark.kernels.layers.conv.FilterLanesConvolution}, lenet5's second layer) and
 * output positions in a vector's lanes ({@link io.convspark.kernels.layers.conv.PositionLanesConvolution},
 * first layers with few filters; the register-tiled kernels in
 * {@link io.convspark.kernels.layers.conv.PositionLanes}, over inputs padded by
 * {@link io.convspark.kernels.layers.conv.PaddedInput}, with per-slot workspaces in
 * {@link io.convspark.kernels.layers.conv.PerSlot}); chosen per layer by
 * {@link io.convspark.kernels.layers.conv.ConvAlgorithm}; each applies an element-wise activation to
 * its output, and its derivative to the output gradient, part by part while the part is in cache;
 * a short-reduction convolution that also does the max pooling after it, so its full output is never
 * stored ({@link io.convspark.kernels.layers.conv.PooledShortReductionConvolution}, over a lowering
 * that groups positions by their place in the window,
 * {@link io.convspark.kernels.layers.conv.PoolWindowColumns});
 * and the direct depthwise convolution
 * ({@link io.convspark.kernels.layers.conv.DepthwiseConvolution}). The kernels work on flat NCHW
 * arrays and own their per-slot workspaces, so layers can compose them (SeparableConv2D is a
 * depthwise convolution followed by a 1x1 GEMM convolution).
 */
package io.convspark.kernels.layers.conv;
