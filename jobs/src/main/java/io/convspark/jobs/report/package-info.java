/**
 * The reports of a run directory: PNG charts of the training history (loss, accuracy), the test
 * set's confusion matrix as a heat map, a grid of misclassified test images, and scikit-learn's
 * classification report as text; the whole set is written by {@link io.convspark.jobs.report.RunReport}.
 * Drawing is headless (no display needed) but needs fonts (fontconfig and fonts-dejavu-core on Debian).
 */
package io.convspark.jobs.report;
