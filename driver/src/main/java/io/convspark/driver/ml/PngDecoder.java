package io.convspark.driver.ml;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes the PNG files image data sets are made of (8-bit grey, RGB or RGBA, not interlaced, no tRNS
 * transparent colour) with {@link Inflater} and the five PNG row filters, into the planes
 * {@link ImageDecoder#fromBufferedImage} makes of ImageIO's image of the same file: grey keeps its samples,
 * colour its R, G and B, alpha dropped (ImageIO's 8-bit RGBA is not premultiplied). Any other PNG (palette,
 * 1/2/4/16-bit, grey + alpha, interlaced, tRNS) is left to ImageIO: {@link #decode} returns null.
 *
 * <p>ImageIO builds a reader, a metadata tree and a BufferedImage per file: on 28x28 MNIST PNGs this takes
 * about a fifth of the time, and much less code to warm up in a fresh executor. CRCs are not checked (ImageIO
 * does not check them for image data either).
 */
final class PngDecoder {
    /** Larger images are left to ImageIO (which streams rows) rather than inflated here in one buffer. */
    static final long MAX_FILTERED_BYTES = 1L << 26;

    private static final int IHDR = 0x49484452;
    private static final int IDAT = 0x49444154;
    private static final int IEND = 0x49454E44;
    private static final int TRNS = 0x74524E53;
    private static final int SIGNATURE_LENGTH = 8;
    private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);

    private PngDecoder() {
    }

    /** True if {@code b} starts with the 8-byte PNG signature. */
    static boolean isPng(byte[] b) {
        return b.length >= SIGNATURE_LENGTH && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G'
                && b[4] == 0x0D && b[5] == 0x0A && b[6] == 0x1A && b[7] == 0x0A;
    }

    /**
     * The planes of {@code png} (which starts with the PNG signature), or null if it is a kind of PNG this
     * decoder leaves to ImageIO.
     *
     * @throws InvalidImageException a truncated or corrupt file, naming what is wrong where
     */
    static PixelPlanes decode(byte[] png) throws InvalidImageException {
        int pos = SIGNATURE_LENGTH;
        int length = chunkLength(png, pos);
        if (chunkType(png, pos) != IHDR || length != 13) {
            throw new InvalidImageException("PNG: the first chunk must be IHDR of 13 bytes, found '"
                    + typeName(png, pos) + "' of " + length);
        }
        int d = pos + 8;
        int width = readInt(png, d);
        int height = readInt(png, d + 4);
        int bitDepth = png[d + 8] & 0xFF;
        int colorType = png[d + 9] & 0xFF;
        if (width <= 0 || height <= 0) {
            throw new InvalidImageException("PNG IHDR: width and height must be positive, found " + width + "x"
                    + height);
        }
        int channels = switch (colorType) {
            case 0 -> 1;
            case 2 -> 3;
            case 6 -> 4;
            default -> 0;
        };
        boolean plain = png[d + 10] == 0 && png[d + 11] == 0 && png[d + 12] == 0; // deflate, adaptive, no interlace
        long rowBytes = (long) width * channels;
        if (channels == 0 || bitDepth != 8 || !plain || (rowBytes + 1) * height > MAX_FILTERED_BYTES) {
            return null;
        }
        byte[] filtered = new byte[(int) ((rowBytes + 1) * height)];
        if (!inflateImageData(png, pos + 12 + length, filtered)) {
            return null;
        }
        unfilter(filtered, height, (int) rowBytes, channels);
        return planes(filtered, width, height, channels);
    }

    /**
     * Inflates the IDAT chunks after {@code pos} into {@code out}; false if a tRNS chunk comes first (a
     * transparent colour, which ImageIO turns into an alpha band).
     */
    private static boolean inflateImageData(byte[] png, int pos, byte[] out) throws InvalidImageException {
        Inflater inflater = INFLATER.get();
        inflater.reset();
        int filled = 0;
        boolean sawData = false;
        while (filled < out.length && !inflater.finished()) {
            int length = chunkLength(png, pos);
            int type = chunkType(png, pos);
            if (type == TRNS && !sawData) {
                return false;
            }
            if (type == IEND) {
                break;
            }
            if (type == IDAT) {
                sawData = true;
                inflater.setInput(png, pos + 8, length);
                filled = inflate(inflater, out, filled, pos);
            }
            pos += 12 + length;
        }
        if (filled < out.length) {
            throw new InvalidImageException("PNG image data ends after " + filled + " of " + out.length
                    + " bytes (" + (sawData ? "truncated file or zlib stream" : "no IDAT chunk") + ")");
        }
        return true;
    }

    private static int inflate(Inflater inflater, byte[] out, int filled, int chunk) throws InvalidImageException {
        int at = filled;
        while (at < out.length && !inflater.finished() && !inflater.needsInput()) {
            int n;
            try {
                n = inflater.inflate(out, at, out.length - at);
            } catch (DataFormatException e) {
                throw new InvalidImageException("PNG image data (zlib) in the IDAT chunk at byte " + chunk
                        + " is corrupt: " + e.getMessage(), e);
            }
            if (n == 0) {
                if (inflater.needsDictionary()) {
                    throw new InvalidImageException("PNG image data (zlib) in the IDAT chunk at byte " + chunk
                            + " asks for a preset dictionary, which PNG does not allow");
                }
                break;
            }
            at += n;
        }
        return at;
    }

    /** Undoes the row filters in place: each row is a filter-type byte and {@code rowBytes} filtered bytes. */
    private static void unfilter(byte[] b, int height, int rowBytes, int bpp) throws InvalidImageException {
        int stride = rowBytes + 1;
        for (int y = 0; y < height; y++) {
            int row = y * stride + 1;
            int up = row - stride; // the row above (unfiltered already); none for y == 0
            int filter = b[row - 1] & 0xFF;
            switch (filter) {
                case 0 -> { }
                case 1 -> {
                    for (int i = bpp; i < rowBytes; i++) {
                        b[row + i] += b[row + i - bpp];
                    }
                }
                case 2 -> {
                    if (y > 0) {
                        for (int i = 0; i < rowBytes; i++) {
                            b[row + i] += b[up + i];
                        }
                    }
                }
                case 3 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bpp ? b[row + i - bpp] & 0xFF : 0;
                        int above = y > 0 ? b[up + i] & 0xFF : 0;
                        b[row + i] += (byte) ((left + above) >>> 1);
                    }
                }
                case 4 -> {
                    for (int i = 0; i < rowBytes; i++) {
                        int left = i >= bpp ? b[row + i - bpp] & 0xFF : 0;
                        int above = y > 0 ? b[up + i] & 0xFF : 0;
                        int corner = i >= bpp && y > 0 ? b[up + i - bpp] & 0xFF : 0;
                        b[row + i] += (byte) paeth(left, above, corner);
                    }
                }
                default -> throw new InvalidImageException("PNG row " + y + " has filter type " + filter
                        + "; expected 0..4 (corrupt image data)");
            }
        }
    }

    private static int paeth(int a, int b, int c) {
        int p = a + b - c;
        int pa = Math.abs(p - a);
        int pb = Math.abs(p - b);
        int pc = Math.abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    /** Channel-major planes: grey as is, colour as R, G, B (alpha dropped). */
    private static PixelPlanes planes(byte[] b, int width, int height, int channels) {
        int plane = width * height;
        int stride = width * channels + 1;
        if (channels == 1) {
            byte[] out = new byte[plane];
            for (int y = 0; y < height; y++) {
                System.arraycopy(b, y * stride + 1, out, y * width, width);
            }
            return new PixelPlanes(out, 1, height, width);
        }
        byte[] out = new byte[3 * plane];
        for (int y = 0; y < height; y++) {
            int row = y * stride + 1;
            for (int x = 0; x < width; x++) {
                int p = row + x * channels;
                int o = y * width + x;
                out[o] = b[p];
                out[plane + o] = b[p + 1];
                out[2 * plane + o] = b[p + 2];
            }
        }
        return new PixelPlanes(out, 3, height, width);
    }

    /** The data length of the chunk at {@code pos}, checked to fit in the file with its type and CRC. */
    private static int chunkLength(byte[] png, int pos) throws InvalidImageException {
        if (pos + 8 > png.length) {
            throw new InvalidImageException("PNG truncated: " + png.length + " bytes, the chunk at byte " + pos
                    + " needs 8 for its length and type");
        }
        int length = readInt(png, pos);
        if (length < 0 || (long) pos + 12 + length > png.length) {
            throw new InvalidImageException("PNG truncated: chunk '" + typeName(png, pos) + "' at byte " + pos
                    + " declares " + (length & 0xFFFFFFFFL) + " data bytes, the file has " + Math.max(0, png.length
                    - pos - 12) + " after its header (and CRC)");
        }
        return length;
    }

    private static int chunkType(byte[] png, int pos) {
        return readInt(png, pos + 4);
    }

    private static String typeName(byte[] png, int pos) {
        StringBuilder s = new StringBuilder();
        for (int i = pos + 4; i < Math.min(pos + 8, png.length); i++) {
            int c = png[i] & 0xFF;
            s.append(c >= 0x20 && c < 0x7F ? (char) c : '?');
        }
        return s.toString();
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
    }
}
