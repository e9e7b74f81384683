/**
 * Spark plumbing: the Kryo registrator ({@code spark.kryo.registrationRequired=true} holds) and the
 * configuration convspark's jobs and tests start Spark with.
 */
package io.convspark.driver.spark;
