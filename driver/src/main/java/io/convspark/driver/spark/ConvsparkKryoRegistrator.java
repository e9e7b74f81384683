package io.convspark.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.convspark.driver.data.ShardBlock;
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
        kryo.register(float[].class);
        kryo.register(float[][].class);
        kryo.register(double[].class);
        kryo.register(int[].class);
        kryo.register(byte[].class);
        kryo.register(long[].class);
        kryo.register(scala.Tuple2.class);
        kryo.register(Integer.class);
    }
}
