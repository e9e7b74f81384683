package io.convspark.jobs.report;

import io.convspark.kernels.data.ImageDataset;
import io.convspark.kernels.evaluation.Misclassification;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * A grid of misclassified images, each enlarged (nearest neighbour, so pixels stay sharp) and titled
 * {@code true:predicted} with class names, under a heading that says how many of how many are shown.
 * Grayscale images are drawn in gray levels, three-channel ones in color; with no mistakes the image
 * says so.
 */
final class MisclassifiedGrid {
    static final int MAX_IMAGES = 36;
    private static final int COLUMNS = 6;
    private static final int TARGET_IMAGE_SIZE = 112;
    private static final int PAD = 12;
    private static final int HEADING_HEIGHT = 44;
    private static final Font HEADING_FONT = ChartStyle.TITLE_FONT;
    private static final Font CAPTION_FONT = new Font(Font.SANS_SERIF, Font.BOLD, 15);

    private MisclassifiedGrid() {
    }

    /** The first {@link #MAX_IMAGES} of {@code mistakes}, whose indices are samples of {@code images}. */
    static BufferedImage draw(ImageDataset images, List<Misclassification> mistakes, List<String> classNames) {
        int shown = Math.min(MAX_IMAGES, mistakes.size());
        int scale = Math.max(1, (int) Math.ceil((double) TARGET_IMAGE_SIZE / Math.max(images.height(), images.width())));
        int imageW = images.width() * scale;
        int imageH = images.height() * scale;
        FontMetrics captionMetrics = metrics(CAPTION_FONT);
        int captionH = captionMetrics.getHeight() + 4;
        int cellW = imageW;
        for (int i = 0; i < shown; i++) {
            cellW = Math.max(cellW, captionMetrics.stringWidth(caption(mistakes.get(i), classNames)));
        }
        cellW += PAD;
        int cellH = captionH + imageH + PAD;
        int columns = Math.max(1, Math.min(COLUMNS, shown));
        int rows = Math.max(1, (shown + columns - 1) / columns);
        String heading = shown == 0 ? "No misclassified images"
                : String.format(Locale.ROOT, "Misclassified test images (true:predicted), %d of %,d", shown,
                        mistakes.size());
        int width = Math.max(columns * cellW + PAD, metrics(HEADING_FONT).stringWidth(heading) + 2 * PAD);
        int height = HEADING_HEIGHT + (shown == 0 ? PAD : rows * cellH + PAD);

        Png.Canvas canvas = Png.canvas(width, height);
        Graphics2D g = canvas.graphics();
        try {
            g.setColor(Color.BLACK);
            g.setFont(HEADING_FONT);
            g.drawString(heading, (width - g.getFontMetrics().stringWidth(heading)) / 2, HEADING_HEIGHT - 14);
            g.setFont(CAPTION_FONT);
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
            int left = (width - columns * cellW) / 2;
            for (int i = 0; i < shown; i++) {
                Misclassification m = mistakes.get(i);
                int x = left + (i % columns) * cellW + PAD / 2;
                int y = HEADING_HEIGHT + (i / columns) * cellH;
                String text = caption(m, classNames);
                g.setColor(new Color(180, 30, 30));
                g.drawString(text, x + (cellW - PAD - captionMetrics.stringWidth(text)) / 2,
                        y + captionMetrics.getAscent());
                int imageX = x + (cellW - PAD - imageW) / 2;
                g.drawImage(sample(images, m.index()), imageX, y + captionH, imageW, imageH, null);
                g.setColor(Color.GRAY);
                g.drawRect(imageX - 1, y + captionH - 1, imageW + 1, imageH + 1);
            }
        } finally {
            g.dispose();
        }
        return canvas.image();
    }

    static String caption(Misclassification m, List<String> classNames) {
        return classNames.get(m.trueClass()) + ":" + classNames.get(m.predictedClass());
    }

    /** Sample {@code index} at its own size: RGB from three channels, otherwise the first channel in gray. */
    static BufferedImage sample(ImageDataset images, int index) {
        int h = images.height();
        int w = images.width();
        boolean rgb = images.channels() == 3;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = images.pixel(index, 0, y, x);
                int gr = rgb ? images.pixel(index, 1, y, x) : r;
                int b = rgb ? images.pixel(index, 2, y, x) : r;
                img.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return img;
    }

    private static FontMetrics metrics(Font font) {
        Png.Canvas probe = Png.canvas(1, 1);
        try {
            return probe.graphics().getFontMetrics(font);
        } finally {
            probe.graphics().dispose();
        }
    }
}
