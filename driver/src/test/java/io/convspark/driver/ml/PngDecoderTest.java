package io.convspark.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * {@link PngDecoder} against ImageIO: PNGs written here with every row filter (0-4, and a mix), each colour
 * type it decodes, several IDAT chunks and ancillary chunks must give ImageIO's planes bit for bit; the kinds
 * it leaves to ImageIO must come back null; truncated and corrupt files must be refused saying what is wrong.
 */
class PngDecoderTest {
    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int RGBA = 6;
    private static final int MIXED_FILTERS = -1;

    @Test
    void everyFilterAndColourTypeDecodesAsImageIoDoes() throws Exception {
        Random random = new Random(42);
        int[][] sizes = {{1, 1}, {1, 7}, {5, 3}, {28, 28}, {17, 9}, {32, 33}};
        for (int colorType : new int[] {GREY, RGB, RGBA}) {
            for (int filter : new int[] {0, 1, 2, 3, 4, MIXED_FILTERS}) {
                for (int[] size : sizes) {
                    byte[] samples = samples(random, size[0], size[1], colorType);
                    for (int idatChunks : new int[] {1, 3}) {
                        byte[] png = new Png(size[0], size[1], 8, colorType).filter(filter).idatChunks(idatChunks)
                                .ancillary(idatChunks == 3).encode(samples, random);
                        String what = "colour type " + colorType + ", filter " + filter + ", " + size[0] + "x"
                                + size[1] + ", " + idatChunks + " IDAT";
                        PixelPlanes fast = PngDecoder.decode(png);
                        assertNotNull(fast, what);
                        PixelPlanes reference = ImageDecoder.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png)));
                        assertEquals(reference.channels(), fast.channels(), what);
                        assertEquals(reference.height(), fast.height(), what);
                        assertEquals(reference.width(), fast.width(), what);
                        assertArrayEquals(reference.data(), fast.data(), what);
                    }
                }
            }
        }
    }

    @Test
    void imageIoWrittenPngsDecodeAlike() throws Exception {
        Random random = new Random(7);
        for (int type : new int[] {BufferedImage.TYPE_BYTE_GRAY, BufferedImage.TYPE_3BYTE_BGR,
                BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB}) {
            BufferedImage img = new BufferedImage(19, 11, type);
            for (int y = 0; y < 11; y++) {
                for (int x = 0; x < 19; x++) {
                    img.setRGB(x, y, random.nextInt() | (type == BufferedImage.TYPE_INT_ARGB ? 0 : 0xFF000000));
                }
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            byte[] png = out.toByteArray();
            PixelPlanes fast = PngDecoder.decode(png);
            assertNotNull(fast, "BufferedImage type " + type);
            assertArrayEquals(ImageDecoder.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png))).data(),
                    fast.data(), "BufferedImage type " + type);
        }
    }

    @Test
    void otherKindsOfPngAreLeftToImageIo() throws Exception {
        Random random = new Random(3);
        assertNull(PngDecoder.decode(new Png(4, 3, 16, GREY).encode(new byte[4 * 3 * 2], random)), "16-bit");
        assertNull(PngDecoder.decode(new Png(4, 3, 8, 4).encode(new byte[4 * 3 * 2], random)), "grey + alpha");
        assertNull(PngDecoder.decode(new Png(4, 3, 8, 3).palette().encode(new byte[4 * 3], random)), "palette");
        assertNull(PngDecoder.decode(new Png(4, 3, 1, GREY).encode(new byte[3], random)), "1-bit");
        assertNull(PngDecoder.decode(new Png(4, 3, 8, GREY).interlaced().encode(new byte[12], random)), "interlaced");
        assertNull(PngDecoder.decode(new Png(4, 3, 8, GREY).transparentColour().encode(new byte[12], random)), "tRNS");
    }

    @Test
    void leftToImageIoStillDecodesThroughImageDecoder() throws Exception {
        // grey + tRNS: ImageIO adds an alpha band and converts the grey through sRGB; the decoder keeps that
        byte[] png = new Png(3, 2, 8, GREY).transparentColour().encode(new byte[] {0, 50, 100, (byte) 150, (byte) 200, (byte) 250},
                new Random(1));
        ImageDecoder decoder = new ImageDecoder(ImageColumn.BINARY, 3, 2, 3, ImageDecoder.BinaryFormat.AUTO, false,
                false);
        byte[] out = new byte[decoder.sampleSize()];
        decoder.decode(png, out, 0);
        assertArrayEquals(ImageDecoder.fromBufferedImage(ImageIO.read(new ByteArrayInputStream(png))).data(), out);
    }

    @Test
    void truncatedFilesAreRefusedSayingWhere() throws Exception {
        byte[] png = new Png(28, 28, 8, GREY).filter(MIXED_FILTERS).encode(samples(new Random(5), 28, 28, GREY),
                new Random(5));
        for (int cut : new int[] {8, 20, 33, 40, png.length - 30, png.length - 13}) {
            byte[] truncated = Arrays.copyOf(png, cut);
            InvalidImageException e = assertThrows(InvalidImageException.class, () -> PngDecoder.decode(truncated),
                    "cut at " + cut);
            assertTrue(e.getMessage().startsWith("PNG truncated") || e.getMessage().startsWith("PNG image data ends"),
                    e.getMessage());
        }
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> PngDecoder.decode(Arrays.copyOf(png, 45)));
        assertTrue(e.getMessage().contains("chunk 'IDAT' at byte 33 declares"), e.getMessage());
    }

    @Test
    void corruptImageDataIsRefusedSayingWhat() throws Exception {
        Random random = new Random(11);
        byte[] samples = samples(random, 6, 4, RGB);
        byte[] badFilter = new Png(6, 4, 8, RGB).rowFilterByte(2, 7).encode(samples, random);
        InvalidImageException filter = assertThrows(InvalidImageException.class, () -> PngDecoder.decode(badFilter));
        assertEquals("PNG row 2 has filter type 7; expected 0..4 (corrupt image data)", filter.getMessage());

        byte[] png = new Png(6, 4, 8, RGB).encode(samples, random);
        byte[] badZlib = png.clone();
        badZlib[33 + 8] = (byte) 0xFF; // the zlib header's first byte: not deflate
        InvalidImageException zlib = assertThrows(InvalidImageException.class, () -> PngDecoder.decode(badZlib));
        assertTrue(zlib.getMessage().startsWith("PNG image data (zlib) in the IDAT chunk at byte 33 is corrupt"),
                zlib.getMessage());

        byte[] badHeader = png.clone();
        badHeader[12] = 'X';
        InvalidImageException header = assertThrows(InvalidImageException.class, () -> PngDecoder.decode(badHeader));
        assertEquals("PNG: the first chunk must be IHDR of 13 bytes, found 'XHDR' of 13", header.getMessage());

        byte[] noPixels = new Png(6, 4, 8, RGB).idatChunks(0).encode(samples, random);
        InvalidImageException none = assertThrows(InvalidImageException.class, () -> PngDecoder.decode(noPixels));
        assertEquals("PNG image data ends after 0 of 76 bytes (no IDAT chunk)", none.getMessage());
    }

    @Test
    void imageDecoderReportsTheFastPathsReasonWhenImageIoFailsToo() throws Exception {
        Random random = new Random(2);
        byte[] png = new Png(5, 5, 8, GREY).encode(samples(random, 5, 5, GREY), random);
        byte[] truncated = Arrays.copyOf(png, 45);
        ImageDecoder decoder = new ImageDecoder(ImageColumn.BINARY, 1, 5, 5, ImageDecoder.BinaryFormat.AUTO, false,
                false);
        InvalidImageException e = assertThrows(InvalidImageException.class,
                () -> decoder.decode(truncated, new byte[25], 0));
        assertTrue(e.getMessage().startsWith("PNG truncated"), e.getMessage());
    }

    private static byte[] samples(Random random, int width, int height, int colorType) {
        int channels = colorType == GREY ? 1 : colorType == RGB ? 3 : 4;
        byte[] b = new byte[width * height * channels];
        for (int i = 0; i < b.length; i++) {
            // runs and noise, so that every filter meets both small and wrapping differences
            b[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(256) : (i / 3) * 37);
        }
        return b;
    }

    /** A PNG writer with the choices ImageIO's writer does not offer: filter per row, IDAT split, odd chunks. */
    private static final class Png {
        private final int width;
        private final int height;
        private final int bitDepth;
        private final int colorType;
        private int filter;
        private int idatChunks = 1;
        private boolean ancillary;
        private boolean interlaced;
        private boolean palette;
        private boolean transparentColour;
        private int badFilterRow = -1;
        private int badFilterByte;

        Png(int width, int height, int bitDepth, int colorType) {
            this.width = width;
            this.height = height;
            this.bitDepth = bitDepth;
            this.colorType = colorType;
        }

        Png filter(int f) {
            filter = f;
            return this;
        }

        Png idatChunks(int n) {
            idatChunks = n;
            return this;
        }

        Png ancillary(boolean on) {
            ancillary = on;
            return this;
        }

        Png interlaced() {
            interlaced = true;
            return this;
        }

        Png palette() {
            palette = true;
            return this;
        }

        Png transparentColour() {
            transparentColour = true;
            return this;
        }

        Png rowFilterByte(int row, int value) {
            badFilterRow = row;
            badFilterByte = value;
            return this;
        }

        /** {@code samples}: rows of packed samples (for 8 bits: width x channels bytes per row). */
        byte[] encode(byte[] samples, Random random) throws Exception {
            int rowBytes = samples.length / height;
            int bpp = Math.max(1, rowBytes / width);
            ByteArrayOutputStream raw = new ByteArrayOutputStream();
            for (int y = 0; y < height; y++) {
                int f = filter == MIXED_FILTERS ? random.nextInt(5) : filter;
                byte[] row = Arrays.copyOfRange(samples, y * rowBytes, (y + 1) * rowBytes);
                byte[] above = y == 0 ? new byte[rowBytes] : Arrays.copyOfRange(samples, (y - 1) * rowBytes, y * rowBytes);
                raw.write(y == badFilterRow ? badFilterByte : f);
                raw.write(filterRow(f, row, above, bpp));
            }
            Deflater deflater = new Deflater(random.nextInt(10));
            deflater.setInput(raw.toByteArray());
            deflater.finish();
            ByteArrayOutputStream z = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            while (!deflater.finished()) {
                z.write(buf, 0, deflater.deflate(buf));
            }
            deflater.end();
            byte[] data = z.toByteArray();

            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A});
            byte[] ihdr = new byte[13];
            putInt(ihdr, 0, width);
            putInt(ihdr, 4, height);
            ihdr[8] = (byte) bitDepth;
            ihdr[9] = (byte) colorType;
            ihdr[12] = (byte) (interlaced ? 1 : 0);
            chunk(out, "IHDR", ihdr);
            if (ancillary) {
                chunk(out, "gAMA", new byte[] {0, 0, (byte) 0xB1, (byte) 0x8F});
                chunk(out, "tEXt", "Comment\0written by PngDecoderTest".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (palette) {
                byte[] plte = new byte[256 * 3];
                random.nextBytes(plte);
                chunk(out, "PLTE", plte);
            }
            if (transparentColour) {
                chunk(out, "tRNS", colorType == GREY ? new byte[] {0, 100} : new byte[] {0, 1, 0, 2, 0, 3});
            }
            for (int i = 0; i < idatChunks; i++) {
                chunk(out, "IDAT", Arrays.copyOfRange(data, i * data.length / idatChunks,
                        (i + 1) * data.length / idatChunks));
                if (ancillary && i == 0 && idatChunks > 1) {
                    chunk(out, "IDAT", new byte[0]); // an empty IDAT between the others is legal
                }
            }
            chunk(out, "IEND", new byte[0]);
            return out.toByteArray();
        }

        private static byte[] filterRow(int f, byte[] row, byte[] above, int bpp) {
            byte[] out = new byte[row.length];
            for (int i = 0; i < row.length; i++) {
                int x = row[i] & 0xFF;
                int a = i >= bpp ? row[i - bpp] & 0xFF : 0;
                int b = above[i] & 0xFF;
                int c = i >= bpp ? above[i - bpp] & 0xFF : 0;
                int predictor = switch (f) {
                    case 0 -> 0;
                    case 1 -> a;
                    case 2 -> b;
                    case 3 -> (a + b) >>> 1;
                    case 4 -> {
                        int p = a + b - c;
                        int pa = Math.abs(p - a);
                        int pb = Math.abs(p - b);
                        int pc = Math.abs(p - c);
                        yield pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
                    }
                    default -> throw new IllegalArgumentException("filter " + f);
                };
                out[i] = (byte) (x - predictor);
            }
            return out;
        }

        private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws Exception {
            byte[] header = new byte[8];
            putInt(header, 0, data.length);
            System.arraycopy(type.getBytes(StandardCharsets.US_ASCII), 0, header, 4, 4);
            out.write(header);
            out.write(data);
            CRC32 crc = new CRC32();
            crc.update(header, 4, 4);
            crc.update(data);
            byte[] c = new byte[4];
            putInt(c, 0, (int) crc.getValue());
            out.write(c);
        }

        private static void putInt(byte[] b, int at, int v) {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }
    }
}
