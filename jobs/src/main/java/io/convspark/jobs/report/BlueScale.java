package io.convspark.jobs.report;

import java.awt.Color;
import java.awt.Paint;
import org.jfree.chart.renderer.PaintScale;

/**
 * White to dark blue, as matplotlib's {@code Blues} color map, over {@code [0, max]}. Colors follow the
 * square root of the value, so the few mistakes of a good classifier are tinted rather than white
 * beside its large diagonal counts.
 */
final class BlueScale implements PaintScale {
    private static final Color LIGHTEST = new Color(247, 251, 255);
    private static final Color DARKEST = new Color(8, 48, 107);

    private final double max;

    BlueScale(double max) {
        this.max = max > 0 ? max : 1;
    }

    @Override
    public double getLowerBound() {
        return 0;
    }

    @Override
    public double getUpperBound() {
        return max;
    }

    /** Where {@code value} lies on the scale, 0 (lightest) to 1 (darkest). */
    double position(double value) {
        return Math.sqrt(Math.max(0, Math.min(1, value / max)));
    }

    @Override
    public Paint getPaint(double value) {
        double t = position(value);
        return new Color(mix(LIGHTEST.getRed(), DARKEST.getRed(), t), mix(LIGHTEST.getGreen(), DARKEST.getGreen(), t),
                mix(LIGHTEST.getBlue(), DARKEST.getBlue(), t));
    }

    private static int mix(int from, int to, double t) {
        return (int) Math.round(from + (to - from) * t);
    }
}
