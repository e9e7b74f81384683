package io.convspark.jobs.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.image.BufferedImage;
import java.awt.geom.Rectangle2D;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.Axis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;

/** The look shared by the run's charts (white, matplotlib's colors, readable fonts) and their drawing to an image. */
final class ChartStyle {
    /** matplotlib's first two colors, {@code tab:blue} and {@code tab:orange}. */
    static final Color BLUE = new Color(31, 119, 180);
    static final Color ORANGE = new Color(255, 127, 14);
    static final Color GRID = new Color(225, 225, 225);
    static final Font TITLE_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 18);
    static final Font LABEL_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 15);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);

    private ChartStyle() {
    }

    /** White background and gridlines, the fonts above on title, axes and legend. */
    static void apply(JFreeChart chart) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        if (chart.getTitle() != null) {
            chart.getTitle().setFont(TITLE_FONT);
        }
        if (chart.getLegend() != null) {
            chart.getLegend().setItemFont(LABEL_FONT);
            chart.getLegend().setFrame(BlockBorder.NONE);
        }
        XYPlot plot = chart.getXYPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
        plot.setDomainGridlinePaint(GRID);
        plot.setRangeGridlinePaint(GRID);
        styleAxis(plot.getDomainAxis());
        styleAxis(plot.getRangeAxis());
    }

    static void styleAxis(Axis axis) {
        axis.setLabelFont(LABEL_FONT);
        axis.setTickLabelFont(TICK_FONT);
        axis.setTickLabelPaint(Color.DARK_GRAY);
    }

    /** The chart drawn on a {@code width x height} image. */
    static BufferedImage draw(JFreeChart chart, int width, int height) {
        Png.Canvas canvas = Png.canvas(width, height);
        try {
            chart.draw(canvas.graphics(), new Rectangle2D.Double(0, 0, width, height));
        } finally {
            canvas.graphics().dispose();
        }
        return canvas.image();
    }
}
