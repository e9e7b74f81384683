package io.convspark.driver.ml;

import java.io.Serializable;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.Params;

/**
 * The Params that the estimator and the model share (where the images are, how to read them, what columns
 * scoring adds), created for one owner with their defaults. The owner exposes each through
 * {@link ConvNetScoringParams}' accessors, which is what Spark ML's reflection finds.
 */
final class ScoringParams implements Serializable {
    private static final long serialVersionUID = 1L;

    final Param<String> featuresCol;
    final Param<String> pathCol;
    final Param<String> rawPredictionCol;
    final Param<String> probabilityCol;
    final Param<String> predictionCol;
    final IntParam topK;
    final Param<String> topKCol;
    final IntParam inferenceBatchSize;
    final IntParam threadsPerTask;
    final Param<String> handleInvalid;
    final Param<String> errorCol;
    final Param<String> binaryFormat;
    final BooleanParam resize;
    final BooleanParam convertColor;

    ScoringParams(Params owner) {
        featuresCol = new Param<>(owner, "featuresCol", "column of images: an image-source struct, binary "
                + "(PNG/JPEG or raw uint8), an array of pixel intensities or an ML vector");
        pathCol = new Param<>(owner, "pathCol", "string column naming each image in messages, used when present");
        rawPredictionCol = new Param<>(owner, "rawPredictionCol", "log-probabilities column name (empty: none)");
        probabilityCol = new Param<>(owner, "probabilityCol", "class probabilities column name (empty: none)");
        predictionCol = new Param<>(owner, "predictionCol", "predicted class index column name (empty: none)");
        topK = new IntParam(owner, "topK", "number of most probable classes in the top-k column (0: no column)",
                ParamValidators.gtEq(0));
        topKCol = new Param<>(owner, "topKCol", "column of the top-k (index, probability) pairs");
        inferenceBatchSize = new IntParam(owner, "inferenceBatchSize", "images per forward pass when scoring",
                ParamValidators.gtEq(1));
        threadsPerTask = new IntParam(owner, "threadsPerTask", "kernel threads per task (0: spark.task.cpus)",
                ParamValidators.gtEq(0));
        handleInvalid = new Param<>(owner, "handleInvalid", "unreadable or ill-fitting images: error (fail), "
                + "skip (drop and count) or keep (null predictions, reason in errorCol)",
                ParamValidators.inArray(new String[] {"error", "skip", "keep"}));
        errorCol = new Param<>(owner, "errorCol", "column of the reason an image could not be scored (keep only)");
        binaryFormat = new Param<>(owner, "binaryFormat", "binary images: auto (PNG/JPEG by signature, else raw), "
                + "encoded or raw (C*H*W uint8, channel-major)",
                ParamValidators.inArray(new String[] {"auto", "encoded", "raw"}));
        resize = new BooleanParam(owner, "resize", "scale images of another size to the model's (bilinear)");
        convertColor = new BooleanParam(owner, "convertColor", "convert colour to grey (luma) or grey to colour "
                + "when the channel count differs from the model's");
        owner.setDefault(featuresCol, "image");
        owner.setDefault(pathCol, "path");
        owner.setDefault(rawPredictionCol, "rawPrediction");
        owner.setDefault(probabilityCol, "probability");
        owner.setDefault(predictionCol, "prediction");
        owner.setDefault(topK, 0);
        owner.setDefault(topKCol, "topK");
        owner.setDefault(inferenceBatchSize, 256);
        owner.setDefault(threadsPerTask, 0);
        owner.setDefault(handleInvalid, "error");
        owner.setDefault(errorCol, "error");
        owner.setDefault(binaryFormat, "auto");
        owner.setDefault(resize, false);
        owner.setDefault(convertColor, false);
    }
}
