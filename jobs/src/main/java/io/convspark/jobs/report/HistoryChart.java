package io.convspark.jobs.report;

import io.convspark.kernels.train.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.util.Optional;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A training curve as Keras tutorials plot it: one metric per epoch on the training data and, when
 * the history has it, on the validation data ({@code val_} + metric). Every epoch is a marked point,
 * so a one-epoch run still shows its values.
 */
final class HistoryChart {
    static final int WIDTH = 800;
    static final int HEIGHT = 500;

    private HistoryChart() {
    }

    /**
     * The chart of {@code metric}, or empty when the history has no finite value of it.
     *
     * @param label the metric as the title and the y axis name it, e.g. {@code loss}
     */
    static Optional<BufferedImage> draw(History history, String metric, String label) {
        XYSeriesCollection data = new XYSeriesCollection();
        XYSeries training = series("training", history.series(metric));
        if (training.isEmpty()) {
            return Optional.empty();
        }
        data.addSeries(training);
        XYSeries validation = series("validation", history.series("val_" + metric));
        if (!validation.isEmpty()) {
            data.addSeries(validation);
        }
        JFreeChart chart = ChartFactory.createXYLineChart("Training and validation " + label, "epoch", label, data);
        ChartStyle.apply(chart);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        Color[] colors = {ChartStyle.BLUE, ChartStyle.ORANGE};
        for (int s = 0; s < data.getSeriesCount(); s++) {
            renderer.setSeriesPaint(s, colors[s]);
            renderer.setSeriesStroke(s, new BasicStroke(2.5f));
            renderer.setSeriesShape(s, new Ellipse2D.Double(-4.5, -4.5, 9, 9));
        }
        plot.setRenderer(renderer);
        NumberAxis epochs = (NumberAxis) plot.getDomainAxis();
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        epochs.setRange(0.5, history.size() + 0.5);
        NumberAxis values = (NumberAxis) plot.getRangeAxis();
        values.setAutoRangeIncludesZero(false);
        values.setAutoRangeMinimumSize(minimumSpan(data));
        return Optional.of(ChartStyle.draw(chart, WIDTH, HEIGHT));
    }

    /**
     * The smallest value range the y axis shows: a twentieth of the largest magnitude plotted, so that a
     * single epoch or a flat curve sits mid-chart with readable ticks instead of a magnified nothing.
     */
    private static double minimumSpan(XYSeriesCollection data) {
        double largest = 0;
        for (int s = 0; s < data.getSeriesCount(); s++) {
            for (int i = 0; i < data.getItemCount(s); i++) {
                largest = Math.max(largest, Math.abs(data.getYValue(s, i)));
            }
        }
        return Math.max(1e-3, 0.05 * largest);
    }

    /** The finite values, at epochs numbered from 1. */
    private static XYSeries series(String name, double[] values) {
        XYSeries s = new XYSeries(name);
        for (int e = 0; e < values.length; e++) {
            if (Double.isFinite(values[e])) {
                s.add(e + 1, values[e]);
            }
        }
        return s;
    }
}
