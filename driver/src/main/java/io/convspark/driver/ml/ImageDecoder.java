package io.convspark.driver.ml;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Turns one value of an {@link ImageColumn} into the model's input layout: uint8, channel-major
 * ({@code C x H x W}), RGB order for colour. An image of another size or channel count is refused with both
 * shapes in the message, unless this decoder was configured to resize (bilinear) or convert colour (luma /
 * repeated grey). Immutable and serializable: one is shipped with each scoring or training task.
 */
public final class ImageDecoder implements Serializable {
    private static final long serialVersionUID = 1L;

    /** How a binary column is read. */
    public enum BinaryFormat {
        /** Encoded when the bytes start with the PNG or JPEG signature, otherwise raw. */
        AUTO,
        /** Always an encoded image file (any format ImageIO reads). */
        ENCODED,
        /** Always {@code C * H * W} raw uint8 pixels, channel-major. */
        RAW;

        public static BinaryFormat parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("binaryFormat: expected auto, encoded or raw, found '" + s + "'");
            }
        }
    }

    /**
     * Whether PNG files of the common kinds are decoded by {@link PngDecoder} rather than ImageIO (same pixels,
     * tested bit for bit); {@code -Dconvspark.png=imageio} sends every PNG to ImageIO.
     */
    static final boolean FAST_PNG = !"imageio".equals(System.getProperty("convspark.png", "fast"));

    private static final int CV_8UC1 = 0;
    private static final int CV_8UC3 = 16;
    private static final int CV_8UC4 = 24;

    private final ImageColumn kind;
    private final int channels;
    private final int height;
    private final int width;
    private final BinaryFormat binaryFormat;
    private final boolean resize;
    private final boolean convertColor;

    /**
     * @param resize       scale images of another height/width to the model's (bilinear)
     * @param convertColor convert colour to grey or grey to colour when the channel count differs
     */
    public ImageDecoder(ImageColumn kind, int channels, int height, int width, BinaryFormat binaryFormat,
                        boolean resize, boolean convertColor) {
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 (grey) or 3 (RGB) channels; the model expects "
                    + channels);
        }
        this.kind = kind;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.binaryFormat = binaryFormat;
        this.resize = resize;
        this.convertColor = convertColor;
    }

    public int sampleSize() {
        return channels * height * width;
    }

    /** Decodes {@code value} into {@code out[offset, offset + sampleSize())}. */
    public void decode(Object value, byte[] out, int offset) throws InvalidImageException {
        if (value == null) {
            throw new InvalidImageException("no image (null)");
        }
        PixelPlanes image = switch (kind) {
            case IMAGE_STRUCT -> fromImageStruct((Row) value);
            case BINARY -> fromBinary((byte[]) value);
            case NUMERIC_ARRAY -> fromIntensities(numbers(value));
            case VECTOR -> fromIntensities(((Vector) value).toArray());
        };
        PixelPlanes fitted = fit(image);
        System.arraycopy(fitted.data(), 0, out, offset, sampleSize());
    }

    private static double[] numbers(Object value) {
        List<?> list = value instanceof List<?> l ? l
                : scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<?>) value);
        double[] v = new double[list.size()];
        for (int i = 0; i < v.length; i++) {
            Object o = list.get(i);
            v[i] = o == null ? Double.NaN : ((Number) o).doubleValue();
        }
        return v;
    }

    private PixelPlanes fit(PixelPlanes image) throws InvalidImageException {
        PixelPlanes p = image;
        if (p.channels() != channels) {
            if (!convertColor) {
                throw mismatch(image, "colorMode=convert");
            }
            p = p.withChannels(channels);
        }
        if (p.height() != height || p.width() != width) {
            if (!resize) {
                throw mismatch(image, "resize=true");
            }
            p = p.resized(height, width);
        }
        return p;
    }

    private InvalidImageException mismatch(PixelPlanes image, String setting) {
        return new InvalidImageException("image is " + image.describe() + " (channels x height x width) but the "
                + "model expects " + channels + "x" + height + "x" + width + " (set " + setting + " to convert)");
    }

    /** Spark's image struct: {@code data} is height x width x nChannels bytes, BGR(A) order (OpenCV). */
    private static PixelPlanes fromImageStruct(Row r) throws InvalidImageException {
        int h = r.getInt(r.fieldIndex("height"));
        int w = r.getInt(r.fieldIndex("width"));
        int nc = r.getInt(r.fieldIndex("nChannels"));
        int mode = r.getInt(r.fieldIndex("mode"));
        byte[] data = (byte[]) r.get(r.fieldIndex("data"));
        if (mode != CV_8UC1 && mode != CV_8UC3 && mode != CV_8UC4) {
            throw new InvalidImageException("image struct has OpenCV mode " + mode + "; expected 8-bit CV_8UC1 (0), "
                    + "CV_8UC3 (16) or CV_8UC4 (24)");
        }
        if (h <= 0 || w <= 0 || data == null || data.length != (long) h * w * nc) {
            throw new InvalidImageException("image struct of " + h + "x" + w + "x" + nc + " holds "
                    + (data == null ? "no" : String.valueOf(data.length)) + " data bytes, expected " + (long) h * w * nc
                    + " (an unreadable file is an empty struct)");
        }
        int out = nc == 1 ? 1 : 3;
        byte[] planes = new byte[out * h * w];
        int plane = h * w;
        for (int i = 0; i < plane; i++) {
            if (out == 1) {
                planes[i] = data[i];
            } else {
                planes[i] = data[i * nc + 2];             // R
                planes[plane + i] = data[i * nc + 1];     // G
                planes[2 * plane + i] = data[i * nc];     // B
            }
        }
        return new PixelPlanes(planes, out, h, w);
    }

    private PixelPlanes fromBinary(byte[] bytes) throws InvalidImageException {
        boolean encoded = switch (binaryFormat) {
            case ENCODED -> true;
            case RAW -> false;
            case AUTO -> hasImageSignature(bytes);
        };
        if (!encoded) {
            if (bytes.length != sampleSize()) {
                throw new InvalidImageException("raw pixel bytes: expected " + sampleSize() + " (" + channels + "x"
                        + height + "x" + width + "), found " + bytes.length
                        + (binaryFormat == BinaryFormat.AUTO ? " (and no PNG/JPEG signature; set binaryFormat=encoded for other image formats)" : ""));
            }
            return new PixelPlanes(bytes, channels, height, width);
        }
        if (FAST_PNG && PngDecoder.isPng(bytes)) {
            try {
                PixelPlanes planes = PngDecoder.decode(bytes);
                if (planes != null) {
                    return planes;
                }
            } catch (InvalidImageException fastPathError) {
                // ImageIO may be more lenient; if it fails too, the fast path's reason is the more precise one
                try {
                    return readWithImageIo(bytes);
                } catch (InvalidImageException imageIoError) {
                    throw fastPathError;
                }
            }
        }
        return readWithImageIo(bytes);
    }

    private static PixelPlanes readWithImageIo(byte[] bytes) throws InvalidImageException {
        BufferedImage img;
        try {
            // an in-memory stream: ImageIO.read(InputStream) would cache every image in a temporary file
            img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | RuntimeException e) {
            throw new InvalidImageException("unreadable image file (" + bytes.length + " bytes): " + e.getMessage(), e);
        }
        if (img == null) {
            throw new InvalidImageException("not an image file ImageIO can read (" + bytes.length + " bytes, starting "
                    + hexPrefix(bytes) + ")");
        }
        return fromBufferedImage(img);
    }

    /** Grey images keep their exact samples (16-bit scaled to 8); colour goes through RGB, alpha dropped. */
    static PixelPlanes fromBufferedImage(BufferedImage img) {
        int h = img.getHeight();
        int w = img.getWidth();
        Raster raster = img.getRaster();
        if (raster.getNumBands() == 1 && img.getColorModel().getColorSpace().getNumComponents() == 1) {
            int bits = raster.getSampleModel().getSampleSize(0);
            byte[] out = new byte[h * w];
            int[] row = new int[w];
            for (int y = 0; y < h; y++) {
                raster.getSamples(0, y, w, 1, 0, row);
                for (int x = 0; x < w; x++) {
                    out[y * w + x] = (byte) (bits > 8 ? row[x] >>> (bits - 8) : bits < 8 ? row[x] * 255 / ((1 << bits) - 1) : row[x]);
                }
            }
            return new PixelPlanes(out, 1, h, w);
        }
        int plane = h * w;
        byte[] out = new byte[3 * plane];
        int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < plane; i++) {
            out[i] = (byte) (argb[i] >> 16);
            out[plane + i] = (byte) (argb[i] >> 8);
            out[2 * plane + i] = (byte) argb[i];
        }
        return new PixelPlanes(out, 3, h, w);
    }

    private PixelPlanes fromIntensities(double[] v) throws InvalidImageException {
        if (v.length != sampleSize()) {
            throw new InvalidImageException("pixel array of " + v.length + " values; expected " + sampleSize() + " ("
                    + channels + "x" + height + "x" + width + ", channel-major)");
        }
        byte[] out = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            double x = v[i];
            if (!(x >= 0 && x <= 255) || x != Math.rint(x)) {
                throw new InvalidImageException(String.format(Locale.ROOT, "pixel %d is %s; expected an integer "
                        + "intensity 0..255 (the model's own normalizer scales it)", i, x));
            }
            out[i] = (byte) (int) x;
        }
        return new PixelPlanes(out, channels, height, width);
    }

    /** The PNG or JPEG signature (long enough that raw pixels practically never start with one). */
    static boolean hasImageSignature(byte[] b) {
        return starts(b, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A) || starts(b, 0xFF, 0xD8, 0xFF);
    }

    private static boolean starts(byte[] b, int... magic) {
        if (b.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((b[i] & 0xFF) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            s.append(String.format("%02x", b[i] & 0xFF));
        }
        return s.length() == 0 ? "(empty)" : s.toString();
    }
}
