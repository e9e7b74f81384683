package io.convspark.driver.ml;

import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;

/**
 * Accessors, getters and setters of the {@link ScoringParams} shared by {@link ConvNetClassifier} and
 * {@link ConvNetClassificationModel} (Spark ML's {@code HasFeaturesCol}, {@code HasPredictionCol}, ... traits,
 * in Java). {@code T} is the implementing class, returned by the setters.
 */
@SuppressWarnings("unchecked")
public interface ConvNetScoringParams<T extends ConvNetScoringParams<T>> extends Params {
    /** The owner's shared param objects. */
    ScoringParams scoringParams();

    default Param<String> featuresCol() { return scoringParams().featuresCol; }
    default Param<String> pathCol() { return scoringParams().pathCol; }
    default Param<String> rawPredictionCol() { return scoringParams().rawPredictionCol; }
    default Param<String> probabilityCol() { return scoringParams().probabilityCol; }
    default Param<String> predictionCol() { return scoringParams().predictionCol; }
    default IntParam topK() { return scoringParams().topK; }
    default Param<String> topKCol() { return scoringParams().topKCol; }
    default IntParam inferenceBatchSize() { return scoringParams().inferenceBatchSize; }
    default IntParam threadsPerTask() { return scoringParams().threadsPerTask; }
    default Param<String> handleInvalid() { return scoringParams().handleInvalid; }
    default Param<String> errorCol() { return scoringParams().errorCol; }
    default Param<String> binaryFormat() { return scoringParams().binaryFormat; }
    default BooleanParam resize() { return scoringParams().resize; }
    default BooleanParam convertColor() { return scoringParams().convertColor; }

    default String getFeaturesCol() { return $(featuresCol()); }
    default String getPathCol() { return $(pathCol()); }
    default String getRawPredictionCol() { return $(rawPredictionCol()); }
    default String getProbabilityCol() { return $(probabilityCol()); }
    default String getPredictionCol() { return $(predictionCol()); }
    default int getTopK() { return (Integer) $(topK()); }
    default String getTopKCol() { return $(topKCol()); }
    default int getInferenceBatchSize() { return (Integer) $(inferenceBatchSize()); }
    default int getThreadsPerTask() { return (Integer) $(threadsPerTask()); }
    default String getHandleInvalid() { return $(handleInvalid()); }
    default String getErrorCol() { return $(errorCol()); }
    default String getBinaryFormat() { return $(binaryFormat()); }
    default boolean getResize() { return (Boolean) $(resize()); }
    default boolean getConvertColor() { return (Boolean) $(convertColor()); }

    default T setFeaturesCol(String v) { return (T) set(featuresCol(), v); }
    default T setPathCol(String v) { return (T) set(pathCol(), v); }
    default T setRawPredictionCol(String v) { return (T) set(rawPredictionCol(), v); }
    default T setProbabilityCol(String v) { return (T) set(probabilityCol(), v); }
    default T setPredictionCol(String v) { return (T) set(predictionCol(), v); }
    default T setTopK(int v) { return (T) set(topK(), v); }
    default T setTopKCol(String v) { return (T) set(topKCol(), v); }
    default T setInferenceBatchSize(int v) { return (T) set(inferenceBatchSize(), v); }
    default T setThreadsPerTask(int v) { return (T) set(threadsPerTask(), v); }
    default T setHandleInvalid(String v) { return (T) set(handleInvalid(), v); }
    default T setErrorCol(String v) { return (T) set(errorCol(), v); }
    default T setBinaryFormat(String v) { return (T) set(binaryFormat(), v); }
    default T setResize(boolean v) { return (T) set(resize(), v); }
    default T setConvertColor(boolean v) { return (T) set(convertColor(), v); }
}
