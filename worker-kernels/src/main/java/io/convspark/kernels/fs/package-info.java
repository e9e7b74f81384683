/** File-system helpers shared by the model file and the data fetcher: atomic replacement of files. */
package io.convspark.kernels.fs;
