package io.convspark.jobs.report;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.GraphicsEnvironment;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * Headless drawing surfaces and PNG files. The first use switches AWT to headless mode, so charts are
 * drawn on machines without a display; fonts must be installed (fontconfig, fonts-dejavu-core).
 */
final class Png {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Png() {
    }

    /** A white RGB image with a graphics context that antialiases shapes and text; dispose it when done. */
    static Canvas canvas(int width, int height) {
        checkFonts();
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        return new Canvas(image, g);
    }

    /** An image and the graphics drawing on it. */
    record Canvas(BufferedImage image, Graphics2D graphics) {
    }

    /** Encodes {@code image} as PNG and writes it atomically. */
    static void write(Path target, BufferedImage image) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("no PNG encoder available to write " + target);
        }
        AtomicFiles.write(target, bytes.toByteArray());
    }

    private static void checkFonts() {
        String[] families;
        try {
            families = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames();
        } catch (RuntimeException | InternalError | LinkageError e) {
            throw new IllegalStateException(noFonts() + " (" + e + ")", e);
        }
        if (families.length == 0) {
            throw new IllegalStateException(noFonts());
        }
    }

    private static String noFonts() {
        return "drawing the run's charts needs fonts and Java found none: install fontconfig and fonts-dejavu-core "
                + "(bin/setup does)";
    }
}
