package io.convspark.jobs.report;

import io.convspark.kernels.evaluation.ConfusionMatrix;
import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The confusion matrix as a heat map, as scikit-learn's {@code ConfusionMatrixDisplay}: true class
 * down the y axis (first class on top), predicted class along the x axis, each cell colored by and
 * labelled with its count, and a color bar. Counts are left out when cells get too small to read.
 */
final class ConfusionMatrixChart {
    private static final int CELL = 60;
    private static final int MIN_SIDE = 420;
    private static final int MAX_SIDE = 1400;
    private static final int MIN_CELL_FOR_COUNTS = 22;
    private static final int SHORT_NAME = 6;
    private static final int COLOR_BAR_TICKS = 8;

    private ConfusionMatrixChart() {
    }

    static BufferedImage draw(ConfusionMatrix matrix, List<String> classNames) {
        int k = matrix.numClasses();
        double[][] cells = new double[3][k * k];
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                cells[0][t * k + p] = p;
                cells[1][t * k + p] = t;
                cells[2][t * k + p] = matrix.count(t, p);
            }
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("counts", cells);
        String[] names = classNames.toArray(new String[0]);
        SymbolAxis predicted = axis("predicted class", names);
        SymbolAxis truth = axis("true class", names);
        truth.setInverted(true);
        boolean longNames = classNames.stream().anyMatch(n -> n.length() > SHORT_NAME);
        predicted.setVerticalTickLabels(longNames);

        BlueScale scale = new BlueScale(matrix.maxCount());
        XYBlockRenderer cellsRenderer = new XYBlockRenderer();
        cellsRenderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, truth, cellsRenderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        int side = Math.max(MIN_SIDE, Math.min(MAX_SIDE, CELL * k));
        int cell = side / k;
        if (cell >= MIN_CELL_FOR_COUNTS) {
            addCounts(plot, matrix, scale, cell);
        }
        String title = String.format(Locale.ROOT, "Confusion matrix (accuracy %.2f%%, %,d samples)",
                100 * matrix.accuracy(), matrix.total());
        JFreeChart chart = new JFreeChart(title, ChartStyle.TITLE_FONT, plot, false);
        ChartStyle.apply(chart);
        chart.addSubtitle(colorBar(scale));
        int nameRoom = longNames ? 12 * classNames.stream().mapToInt(String::length).max().orElse(0) : 0;
        return ChartStyle.draw(chart, side + 260, side + 130 + nameRoom);
    }

    private static SymbolAxis axis(String label, String[] names) {
        SymbolAxis axis = new SymbolAxis(label, names);
        axis.setGridBandsVisible(false);
        axis.setRange(-0.5, names.length - 0.5);
        ChartStyle.styleAxis(axis);
        return axis;
    }

    /** Each cell's count in its middle: white on dark cells, black on light ones, zeros in light gray. */
    private static void addCounts(XYPlot plot, ConfusionMatrix matrix, BlueScale scale, int cell) {
        int k = matrix.numClasses();
        int digits = Long.toString(matrix.maxCount()).length();
        float size = (float) Math.max(9, Math.min(17, cell * 1.6 / Math.max(3, digits)));
        Font font = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size));
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                long count = matrix.count(t, p);
                XYTextAnnotation label = new XYTextAnnotation(Long.toString(count), p, t);
                label.setFont(font);
                label.setPaint(count == 0 ? Color.LIGHT_GRAY : scale.position(count) > 0.55 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(label);
            }
        }
    }

    private static PaintScaleLegend colorBar(BlueScale scale) {
        NumberAxis counts = new NumberAxis("count");
        counts.setRange(scale.getLowerBound(), scale.getUpperBound());
        counts.setTickUnit(new NumberTickUnit(roundStep(scale.getUpperBound() / COLOR_BAR_TICKS)));
        ChartStyle.styleAxis(counts);
        PaintScaleLegend legend = new PaintScaleLegend(scale, counts);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setAxisLocation(AxisLocation.TOP_OR_RIGHT);
        legend.setMargin(new RectangleInsets(10, 20, 10, 10));
        legend.setStripWidth(18);
        legend.setBackgroundPaint(Color.WHITE);
        return legend;
    }

    /** The smallest of 1, 2, 5, 10, 20, 50, ... that is at least {@code step}. */
    static long roundStep(double step) {
        for (long magnitude = 1; ; magnitude *= 10) {
            for (long m : new long[] {1, 2, 5}) {
                if (m * magnitude >= step) {
                    return m * magnitude;
                }
            }
        }
    }
}
