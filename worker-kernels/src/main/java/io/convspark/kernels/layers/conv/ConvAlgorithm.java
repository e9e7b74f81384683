package io.convspark.kernels.layers.conv;

import io.convspark.kernels.layers.ConvGeometry;
import java.util.Locale;
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
 *       {@value ShortReductionConvolution#MAX_K} (first layers), {@link GemmConvolution} otherwise;</li>
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
                                    + ShortReductionConvolution.MAX_K + ", im2col + GEMM otherwise"
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
     * kernel ({@code auto}) or im2col + GEMM.
     */
    public Convolution create(ConvGeometry g, int channels, int filters) {
        boolean winograd = WinogradConvolution.supports(g) && WinogradConvolution.fits(g, channels, filters)
                && (this == WINOGRAD
                || this == AUTO && channels >= WINOGRAD_MIN_CHANNELS && filters >= WINOGRAD_MIN_CHANNELS);
        if (winograd) {
            return new WinogradConvolution(g, channels, filters);
        }
        return this == AUTO && ShortReductionConvolution.suits(g, channels)
                ? new ShortReductionConvolution(g, channels, filters) : new GemmConvolution(g, channels, filters);
    }
}
