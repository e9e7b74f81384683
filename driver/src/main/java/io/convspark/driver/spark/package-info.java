/**
 * Spark plumbing: the Kryo registrator ({@code spark.kryo.registrationRequired=true} holds), the
 * configuration convspark's jobs and tests start Spark with, and the local file system that batch scoring
 * reads folders of small images through ({@link io.convspark.driver.spark.NioLocalFileSystem}).
 */
package io.convspark.driver.spark;
