package io.convspark.kernels.compute;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Picks the {@link ElementwiseKernels} once per JVM from {@code -Dconvspark.elementwise} and logs it. */
final class ElementwiseKernelsChoice {
    private static final Logger LOG = LoggerFactory.getLogger(ElementwiseKernelsChoice.class);
    static final ElementwiseKernels SELECTED = choose(System.getProperty("convspark.elementwise", "auto"));

    private ElementwiseKernelsChoice() {
    }

    static ElementwiseKernels choose(String name) {
        ElementwiseKernels chosen;
        switch (name) {
            case "scalar":
                chosen = new ScalarElementwiseKernels();
                break;
            case "vector":
                chosen = new VectorElementwiseKernels();
                break;
            case "auto":
                try {
                    chosen = new VectorElementwiseKernels();
                } catch (Throwable noVectorApi) {
                    LOG.warn("Vector API not available ({}); element-wise kernels run scalar (add "
                            + "--add-modules=jdk.incubator.vector)", noVectorApi.toString());
                    chosen = new ScalarElementwiseKernels();
                }
                break;
            default:
                throw new IllegalArgumentException("convspark.elementwise: expected one of auto, vector, scalar; got '"
                        + name + "'");
        }
        LOG.info("element-wise kernels: {} (set -Dconvspark.elementwise=vector|scalar to override)", chosen.name());
        return chosen;
    }
}
