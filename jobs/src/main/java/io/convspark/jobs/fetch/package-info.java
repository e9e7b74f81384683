/**
 * {@code convspark fetch-data}: obtaining the public data sets from a local mirror or their
 * official locations, verified against SHA-256 sums pinned in {@code conf/datasets/}, never
 * leaving a partial or unverified file in the destination.
 */
package io.convspark.jobs.fetch;
