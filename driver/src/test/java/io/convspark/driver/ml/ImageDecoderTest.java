package io.convspark.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Decoding every kind of image column into the model's uint8 CHW layout, and the configured conversions. */
class ImageDecoderTest {
    private static byte[] png(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static byte[] decode(ImageDecoder d, Object value) throws InvalidImageException {
        byte[] out = new byte[d.sampleSize()];
        d.decode(value, out, 0);
        return out;
    }

    private static ImageDecoder decoder(ImageColumn kind, int c, int h, int w) {
        return new ImageDecoder(kind, c, h, w, ImageDecoder.BinaryFormat.AUTO, false, false);
    }

    @Test
    void rgbPngBecomesChannelPlanesInRgbOrder() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        img.setRGB(0, 0, 0x102030);
        img.setRGB(1, 0, 0x405060);
        byte[] out = decode(decoder(ImageColumn.BINARY, 3, 1, 2), png(img));
        assertArrayEquals(new byte[] {0x10, 0x40, 0x20, 0x50, 0x30, 0x60}, out);
    }

    @Test
    void sixteenBitGreyKeepsTheHighByte() throws Exception {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        img.getRaster().setSample(0, 0, 0, 0xABCD);
        img.getRaster().setSample(1, 0, 0, 0x0100);
        assertArrayEquals(new byte[] {(byte) 0xAB, 0x01}, decode(decoder(ImageColumn.BINARY, 1, 1, 2), png(img)));
    }

    @Test
    void imageSourceStructIsBgrInterleaved() throws Exception {
        // 1x2 image, pixels (B,G,R) = (1,2,3) and (4,5,6)
        Row struct = RowFactory.create("file:/x.png", 1, 2, 3, 16, new byte[] {1, 2, 3, 4, 5, 6});
        Row withSchema = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {"file:/x.png", 1, 2, 3, 16, new byte[] {1, 2, 3, 4, 5, 6}},
                org.apache.spark.ml.image.ImageSchema.columnSchema());
        assertEquals(6, struct.length());
        assertArrayEquals(new byte[] {3, 6, 2, 5, 1, 4}, decode(decoder(ImageColumn.IMAGE_STRUCT, 3, 1, 2), withSchema));
        Row unreadable = new org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema(
                new Object[] {"file:/bad.png", -1, -1, -1, -1, new byte[0]},
                org.apache.spark.ml.image.ImageSchema.columnSchema());
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> decode(decoder(ImageColumn.IMAGE_STRUCT, 3, 1, 2), unreadable));
        assertTrue(e.getMessage().contains("OpenCV mode -1"), e.getMessage());
    }

    @Test
    void rawBytesArraysAndVectorsAreIntensities() throws Exception {
        ImageDecoder raw = decoder(ImageColumn.BINARY, 1, 2, 2);
        assertArrayEquals(new byte[] {0, 1, 2, (byte) 255}, decode(raw, new byte[] {0, 1, 2, (byte) 255}));
        InvalidImageException size = assertThrows(InvalidImageException.class, () -> decode(raw, new byte[5]));
        assertTrue(size.getMessage().contains("expected 4 (1x2x2), found 5"), size.getMessage());
        ImageDecoder array = decoder(ImageColumn.NUMERIC_ARRAY, 1, 2, 2);
        assertArrayEquals(new byte[] {0, 7, 8, (byte) 200}, decode(array, List.of(0, 7, 8, 200)));
        InvalidImageException scaled = assertThrows(InvalidImageException.class,
                () -> decode(array, List.of(0.0, 0.5, 1.0, 1.0)));
        assertTrue(scaled.getMessage().contains("pixel 1 is 0.5; expected an integer intensity 0..255"),
                scaled.getMessage());
        ImageDecoder vector = decoder(ImageColumn.VECTOR, 1, 2, 2);
        assertArrayEquals(new byte[] {9, 0, 0, 1}, decode(vector, Vectors.dense(9, 0, 0, 1)));
    }

    @Test
    void resizeIsBilinearWithAlignedCentresAndLumaConvertsColour() throws Exception {
        // 1x2 -> 1x4: samples at x = -0.25, 0.25, 0.75, 1.25 (clamped): 0, 25, 75, 100
        PixelPlanes p = new PixelPlanes(new byte[] {0, 100}, 1, 1, 2);
        assertArrayEquals(new byte[] {0, 25, 75, 100}, p.resized(1, 4).data());
        PixelPlanes rgb = new PixelPlanes(new byte[] {(byte) 255, 0, 0}, 3, 1, 1);
        assertArrayEquals(new byte[] {76}, rgb.withChannels(1).data(), "0.299 * 255 = 76.2");
        assertArrayEquals(new byte[] {9, 9, 9}, new PixelPlanes(new byte[] {9}, 1, 1, 1).withChannels(3).data());

        BufferedImage big = new BufferedImage(4, 4, BufferedImage.TYPE_INT_RGB);
        ImageDecoder strict = decoder(ImageColumn.BINARY, 1, 2, 2);
        InvalidImageException e = assertThrows(InvalidImageException.class, () -> decode(strict, png(big)));
        assertTrue(e.getMessage().contains("image is 3x4x4") && e.getMessage().contains("expects 1x2x2"),
                e.getMessage());
        ImageDecoder converting = new ImageDecoder(ImageColumn.BINARY, 1, 2, 2, ImageDecoder.BinaryFormat.AUTO, true,
                true);
        assertArrayEquals(new byte[4], decode(converting, png(big)));
    }

    @Test
    void notAnImageIsRefusedWithItsFirstBytes() {
        ImageDecoder encoded = new ImageDecoder(ImageColumn.BINARY, 1, 2, 2, ImageDecoder.BinaryFormat.ENCODED, false,
                false);
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> decode(encoded, "hello".getBytes()));
        assertTrue(e.getMessage().contains("starting 68656c6c6f"), e.getMessage());
        InvalidImageException none = assertThrows(InvalidImageException.class, () -> decode(encoded, null));
        assertTrue(none.getMessage().contains("null"), none.getMessage());
    }
}
