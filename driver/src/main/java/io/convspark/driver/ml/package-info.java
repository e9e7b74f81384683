/**
 * The Spark ML face of convspark: {@link io.convspark.driver.ml.ConvNetClassifier} (an Estimator that
 * trains with the distributed trainer) and {@link io.convspark.driver.ml.ConvNetClassificationModel} (a
 * Transformer that scores images in mini-batches on the executors), both with Params and ML persistence,
 * usable in a {@code Pipeline}.
 *
 * <p>Images come from any of the usual DataFrame sources, recognised by the type of the features column
 * ({@link io.convspark.driver.ml.ImageColumn}): Spark's image data source struct, binary columns of
 * encoded PNG/JPEG ({@code binaryFile}, Parquet) or of raw uint8 pixels, and numeric arrays or ML vectors
 * of pixel intensities. {@link io.convspark.driver.ml.ImageDecoder} turns each into the model's uint8
 * CHW layout (PNGs of 8-bit grey, RGB or RGBA through {@link io.convspark.driver.ml.PngDecoder}, other
 * files through ImageIO), refusing another size or channel count unless a resize or colour conversion is configured;
 * unreadable images fail the job, are skipped and counted, or are kept with an error message
 * ({@code handleInvalid}).
 */
package io.convspark.driver.ml;
