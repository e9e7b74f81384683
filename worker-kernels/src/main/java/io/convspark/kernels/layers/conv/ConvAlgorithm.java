package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Locale;
import jdk.incubator.vector.FloatVector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How dense convolutions are computed, chosen once per JVM by {@code -Dconvspark.conv.algorithm}
 * and logged once:
 * <ul>
 *   <li>{@code auto} (default): {@link WinogradConvolution} for 3x3 stride-1 undilated windows with at
 *       least {@value #WINOGRAD_MIN_CHANNELS} input channels and filters (where its transforms pay
 *       for themselves; F(4x4, 3x3) where planes are large enough, see
 *       {@link WinogradConvolution#outputTile}), {@link ShortReductionConvolution} for reductions {@code C*kh*kw} of at most
 *       {@value ShortReductionConvolution#MAX_K} (first layers; {@link PositionLanesConvolution} where
 *       those have few filters and a reduction of at least {@value PositionLanesConvolution#MIN_TERMS}
 *       terms, as lenet5's 6 of 5x5), {@link FilterLanesConvolution} for
 *       stride-1 layers with more than half a vector's lanes of filters and at most a vector's (lenet5's
 *       second layer) or whole vectors of filters over windows of 5x5 or more (mnist-suo's second
 *       layer), {@link GemmConvolution} otherwise;</li>
 *   <li>{@code gemm}: im2col + GEMM for every convolution;</li>
 *   <li>{@code winograd}: Winograd wherever the window allows it, whatever the channel counts.</li>
 * </ul>
 */
public enum ConvAlgorithm {
    AUTO, GEMM, WINOGRAD;

    /** Fewest input channels and filters for which {@code auto} takes Winograd. */
    public static final int WINOGRAD_MIN_CHANNELS = 16;

    private static final Logger LOG = LoggerFactory.getLogger(ConvAlgorithm.class);
    private static volatile ConvAlgorithm configured;

    /** The JVM's setting ({@code -Dconvspark.conv.algorithm=auto|gemm|winograd}). */
    public static ConvAlgorithm configured() {
        ConvAlgorithm a = configured;
        if (a == null) {
            synchronized (ConvAlgorithm.class) {
                if (configured == null) {
                    configured = parse(System.getProperty("convspark.conv.algorithm", "auto"));
                    LOG.info("convolution algorithm: {} (set -Dconvspark.conv.algorithm=auto|gemm|winograd to override)",
                            configured == AUTO ? "auto: Winograd F(4x4, 3x3) or F(2x2, 3x3) for 3x3 stride-1 convolutions with >= "
                                    + WINOGRAD_MIN_CHANNELS + " channels in and out, a short-reduction kernel for C*kh*kw <= "
                                    + ShortReductionConvolution.MAX_K + " (a direct kernel with positions in a vector's lanes for <= "
                                    + PositionLanesConvolution.MAX_FILTERS + " filters and C*kh*kw >= " + PositionLanesConvolution.MIN_TERMS
                                    + "), a direct kernel with the filters in a vector's lanes for stride-1 layers of "
                                    + (FloatVector.SPECIES_PREFERRED.length() / 2 + 1) + " to " + FloatVector.SPECIES_PREFERRED.length()
                                    + " filters or whole vectors of up to " + FilterLanesConvolution.MAX_VECTORS * FloatVector.SPECIES_PREFERRED.length()
                                    + " filters over 5x5+ windows, im2col + GEMM otherwise"
                                    : configured.name().toLowerCase(Locale.ROOT));
                }
                a = configured;
            }
        }
        return a;
    }

    /** Parses a setting; the error names the property, the accepted values and what was found. */
    public static ConvAlgorithm parse(String value) {
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("convspark.conv.algorithm: expected one of auto, gemm, winograd; got '"
                    + value + "'", e);
        }
    }

    /**
     * A convolution of {@code channels} into {@code filters} over {@code g} computed by this algorithm;
     * where Winograd does not apply (window, or workspaces too large for arrays), the short-reduction
     * or filter-lanes kernel ({@code auto}) or im2col + GEMM.
     */
    public Convolution create(ConvGeometry g, int channels, int filters) {
        boolean winograd = WinogradConvolution.supports(g) && WinogradConvolution.fits(g, channels, filters)
                && (this == WINOGRAD
                || this == AUTO && channels >= WINOGRAD_MIN_CHANNELS && filters >= WINOGRAD_MIN_CHANNELS);
        if (winograd) {
            return new WinogradConvolution(g, channels, filters);
        }
        if (this == AUTO && ShortReductionConvolution.suits(g, channels)) {
            return PositionLanesConvolution.preferred(g, channels, filters)
                    ? new PositionLanesConvolution(g, channels, filters)
                    : new ShortReductionConvolution(g, channels, filters);
        }
        return this == AUTO && FilterLanesConvolution.preferred(g, filters)
                ? new FilterLanesConvolution(g, channels, filters) : new GemmConvolution(g, channels, filters);
    }
}
