package io.convspark.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.convspark.driver.data.ShardBlock;
import io.convspark.driver.ml.DecodedBlock;
import io.convspark.driver.train.ReplicaResult;
import io.convspark.driver.train.ReplicaTimes;
import io.convspark.kernels.data.ImageDataset;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class of convspark that Spark may serialize with Kryo (shuffles, serialized caching),
 * so {@code spark.kryo.registrationRequired=true} can stay on. The few, small, per-stage objects use
 * Java serialization inside Kryo (their graphs hold collections); bulk data never passes through it
 * per record.
 */
public final class ConvsparkKryoRegistrator implements KryoRegistrator {
    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(ReplicaResult.class, new JavaSerializer());
        kryo.register(ReplicaTimes.class, new JavaSerializer());
        kryo.register(ShardBlock.class, new JavaSerializer());
        kryo.register(ImageDataset.class, new JavaSerializer());
        kryo.register(DecodedBlock.class, new JavaSerializer());
        kryo.register(DecodedBlock[].class);
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(double[].class);
        kryo.register(int[].class);
        kryo.register(byte[].class);
        kryo.register(long[].class);
        kryo.register(scala.Tuple2.class);
        kryo.register(Integer.class);
        registerSqlTypes(kryo);
    }

    /**
     * What Spark SQL itself ships through Kryo when a DataFrame is sorted or sampled (range partitioning
     * collects sample rows with their schema): rows, schemas and the data types the scoring columns use.
     */
    private static void registerSqlTypes(Kryo kryo) {
        String[] names = {
            "org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema",
            "org.apache.spark.sql.catalyst.expressions.GenericRow",
            "org.apache.spark.sql.catalyst.expressions.GenericInternalRow",
            "org.apache.spark.sql.catalyst.expressions.UnsafeRow",
            "org.apache.spark.sql.types.StructType", "[Lorg.apache.spark.sql.types.StructField;",
            "org.apache.spark.sql.types.StructField", "org.apache.spark.sql.types.Metadata",
            "org.apache.spark.sql.types.ArrayType", "org.apache.spark.sql.types.MapType",
            "org.apache.spark.sql.types.DecimalType",
            "org.apache.spark.sql.types.BinaryType$", "org.apache.spark.sql.types.BooleanType$",
            "org.apache.spark.sql.types.ByteType$", "org.apache.spark.sql.types.ShortType$",
            "org.apache.spark.sql.types.IntegerType$", "org.apache.spark.sql.types.LongType$",
            "org.apache.spark.sql.types.FloatType$", "org.apache.spark.sql.types.DoubleType$",
            "org.apache.spark.sql.types.StringType", "org.apache.spark.sql.types.StringType$",
            "org.apache.spark.sql.types.TimestampType$", "org.apache.spark.sql.types.DateType$",
            "org.apache.spark.sql.types.NullType$",
            "org.apache.spark.ml.linalg.VectorUDT", "org.apache.spark.ml.linalg.DenseVector",
            "org.apache.spark.ml.linalg.SparseVector",
            "[Ljava.lang.Object;", "scala.collection.immutable.Map$EmptyMap$",
        };
        for (String name : names) {
            try {
                kryo.register(Class.forName(name, false, ConvsparkKryoRegistrator.class.getClassLoader()));
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException("Spark class " + name + " not found; is this Spark 4.1?", e);
            }
        }
    }
}
