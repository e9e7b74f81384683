package io.convspark.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkSettingsTest {
    private static final String OPTIONS = "spark.executor.extraJavaOptions";

    @Test
    void executorsGetTheJitTrapLimits() {
        SparkConf conf = SparkSettings.apply(new SparkConf(false));
        assertEquals("-XX:PerMethodTrapLimit=100000 -XX:PerMethodRecompilationCutoff=100000", conf.get(OPTIONS));
    }

    @Test
    void userOptionsAreKeptAndTheirLimitsWin() {
        SparkConf conf = new SparkConf(false).set(OPTIONS, " -Xss4m -XX:PerMethodTrapLimit=500 ");
        SparkSettings.apply(conf);
        assertEquals("-Xss4m -XX:PerMethodTrapLimit=500 -XX:PerMethodRecompilationCutoff=100000", conf.get(OPTIONS));
        // applying twice adds nothing
        SparkSettings.apply(conf);
        assertEquals("-Xss4m -XX:PerMethodTrapLimit=500 -XX:PerMethodRecompilationCutoff=100000", conf.get(OPTIONS));
    }

    @Test
    void kryoRegistrationIsRequired() {
        SparkConf conf = SparkSettings.apply(new SparkConf(false).set("spark.kryo.registrator", "com.example.Reg"));
        assertEquals("true", conf.get("spark.kryo.registrationRequired"));
        assertEquals("com.example.Reg," + ConvsparkKryoRegistrator.class.getName(), conf.get("spark.kryo.registrator"));
    }
}
