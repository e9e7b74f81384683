package io.convspark.kernels.data;

import io.convspark.kernels.random.SplitMix64;

/**
 * Seeded random image augmentation in the manner of Keras' {@code ImageDataGenerator}, applied per
 * sample to normalized floats: random shift ({@code width_shift_range}, {@code height_shift_range}
 * as fractions of the size, whole pixels), horizontal flip (probability 1/2), rotation
 * ({@code rotation_range} degrees, uniform in {@code [-r, r]}), zoom ({@code zoom_range} z: factors
 * drawn independently for x and y in {@code [1-z, 1+z]}, a factor above 1 shows a larger area so the
 * content shrinks) and random crop with zero padding (pad by p, crop back to H x W, as for CIFAR).
 * All are off by default. Uncovered pixels get the fill value, which {@link BatchAssembler} sets to
 * what a raw 0 pixel normalizes to (Keras' {@code fill_mode='constant', cval=0} before scaling).
 *
 * <p>The random parameters of a sample are a pure function of {@code (seed, epoch, sampleKey)}, the
 * sample key being the sample's global index (see {@link SplitMix64}), so results depend neither on
 * threads nor on how the data is partitioned. Shift, flip and crop compose into one whole-pixel
 * index mapping (copies only); bilinear interpolation is used only when rotation or zoom is on.
 */
public final class Augmentation implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private static final long AUGMENT_DOMAIN = 0x4155474D454E5431L;

    /** Random draws per sample, each from its own counter so enabling one option never changes another. */
    private static final int DRAW_FLIP = 0;
    private static final int DRAW_SHIFT_X = 1;
    private static final int DRAW_SHIFT_Y = 2;
    private static final int DRAW_ANGLE = 3;
    private static final int DRAW_ZOOM_X = 4;
    private static final int DRAW_ZOOM_Y = 5;
    private static final int DRAW_CROP_X = 6;
    private static final int DRAW_CROP_Y = 7;

    private static final Augmentation NONE = new Builder(0).build();

    /**
     * The geometric transform of one sample. Output pixel {@code (y, x)} reads the input at
     * {@code (cy, cx) + zoom * R(-angle) * ((y, x') - (cy, cx) - shift)} with {@code x' = W-1-x} when
     * flipped, {@code (cy, cx)} the image center: the content is scaled by {@code 1/zoom}, rotated
     * counter-clockwise by {@code angleDegrees}, moved right by {@code shiftX} and down by
     * {@code shiftY} pixels, then mirrored left-right if {@code flip}.
     */
    public record Transform(boolean flip, int shiftX, int shiftY, double angleDegrees, double zoomX, double zoomY) {
        public static final Transform IDENTITY = new Transform(false, 0, 0, 0, 1, 1);

        public boolean isIdentity() {
            return !flip && shiftX == 0 && shiftY == 0 && !needsInterpolation();
        }

        /** Whether output pixels fall between input pixels (rotation or zoom). */
        public boolean needsInterpolation() {
            return angleDegrees != 0 || zoomX != 1 || zoomY != 1;
        }
    }

    /** Settings, all off by default. */
    public static final class Builder {
        private final long seed;
        private double widthShift;
        private double heightShift;
        private boolean horizontalFlip;
        private double rotationDegrees;
        private double zoom;
        private int cropPadding;

        private Builder(long seed) {
            this.seed = seed;
        }

        /** Horizontal shift up to {@code fraction * width} pixels either way; in [0, 1). */
        public Builder widthShift(double fraction) {
            this.widthShift = fraction;
            return this;
        }

        /** Vertical shift up to {@code fraction * height} pixels either way; in [0, 1). */
        public Builder heightShift(double fraction) {
            this.heightShift = fraction;
            return this;
        }

        public Builder horizontalFlip(boolean enabled) {
            this.horizontalFlip = enabled;
            return this;
        }

        /** Rotation by an angle uniform in {@code [-degrees, degrees]}; in [0, 180]. */
        public Builder rotation(double degrees) {
            this.rotationDegrees = degrees;
            return this;
        }

        /** Zoom factors uniform in {@code [1 - range, 1 + range]}; in [0, 1). */
        public Builder zoom(double range) {
            this.zoom = range;
            return this;
        }

        /** Pad by {@code pixels} zeros on every side, then crop a random H x W window; >= 0. */
        public Builder cropPadding(int pixels) {
            this.cropPadding = pixels;
            return this;
        }

        public Augmentation build() {
            requireFraction("widthShift", widthShift);
            requireFraction("heightShift", heightShift);
            requireFraction("zoom", zoom);
            if (!(rotationDegrees >= 0 && rotationDegrees <= 180)) {
                throw new IllegalArgumentException("rotation must be a range in degrees in [0, 180], got "
                        + rotationDegrees);
            }
            if (cropPadding < 0) {
                throw new IllegalArgumentException("cropPadding must be >= 0 pixels, got " + cropPadding);
            }
            return new Augmentation(this);
        }

        private static void requireFraction(String field, double v) {
            if (!(v >= 0 && v < 1)) {
                throw new IllegalArgumentException(field + " must be a fraction in [0, 1), got " + v);
            }
        }
    }

    private final long seed;
    private final double widthShift;
    private final double heightShift;
    private final boolean horizontalFlip;
    private final double rotationDegrees;
    private final double zoom;
    private final int cropPadding;

    private Augmentation(Builder b) {
        this.seed = b.seed;
        this.widthShift = b.widthShift;
        this.heightShift = b.heightShift;
        this.horizontalFlip = b.horizontalFlip;
        this.rotationDegrees = b.rotationDegrees;
        this.zoom = b.zoom;
        this.cropPadding = b.cropPadding;
    }

    /** No augmentation. */
    public static Augmentation none() {
        return NONE;
    }

    /** Settings (all off) whose randomness derives from {@code seed}. */
    public static Builder builder(long seed) {
        return new Builder(seed);
    }

    public long seed() {
        return seed;
    }

    public double widthShift() {
        return widthShift;
    }

    public double heightShift() {
        return heightShift;
    }

    public boolean horizontalFlip() {
        return horizontalFlip;
    }

    public double rotationDegrees() {
        return rotationDegrees;
    }

    public double zoom() {
        return zoom;
    }

    public int cropPadding() {
        return cropPadding;
    }

    /** True when every option is off. */
    public boolean isNone() {
        return widthShift == 0 && heightShift == 0 && !horizontalFlip && rotationDegrees == 0 && zoom == 0
                && cropPadding == 0;
    }

    /** Floats of scratch space {@link #apply} needs per concurrent caller. */
    public static int scratchSize(int channels, int height, int width) {
        return channels * height * width;
    }

    /** The transform of sample {@code sampleKey} (its global index) in epoch {@code epoch}. */
    public Transform draw(int epoch, long sampleKey, int height, int width) {
        if (isNone()) {
            return Transform.IDENTITY;
        }
        long key = SplitMix64.spreadKey(seed ^ AUGMENT_DOMAIN, epoch, sampleKey);
        boolean flip = horizontalFlip && SplitMix64.bits(key, DRAW_FLIP) < 0;
        int dx = widthShift > 0 ? (int) Math.round(symmetric(key, DRAW_SHIFT_X) * widthShift * width) : 0;
        int dy = heightShift > 0 ? (int) Math.round(symmetric(key, DRAW_SHIFT_Y) * heightShift * height) : 0;
        if (cropPadding > 0) {
            // cropping the window at offset o of the padded image shows the input shifted by p - o
            dx += cropPadding - SplitMix64.boundedInt(SplitMix64.bits(key, DRAW_CROP_X), 2 * cropPadding + 1);
            dy += cropPadding - SplitMix64.boundedInt(SplitMix64.bits(key, DRAW_CROP_Y), 2 * cropPadding + 1);
        }
        double angle = rotationDegrees > 0 ? symmetric(key, DRAW_ANGLE) * rotationDegrees : 0;
        double zx = zoom > 0 ? 1 + symmetric(key, DRAW_ZOOM_X) * zoom : 1;
        double zy = zoom > 0 ? 1 + symmetric(key, DRAW_ZOOM_Y) * zoom : 1;
        return new Transform(flip, dx, dy, angle, zx, zy);
    }

    /** Uniform in [-1, 1). */
    private static double symmetric(long key, int draw) {
        return 2 * SplitMix64.unitDouble(SplitMix64.bits(key, draw)) - 1;
    }

    /**
     * Augments the sample at {@code data[offset...]} (C x H x W floats) in place with the transform
     * drawn for {@code (epoch, sampleKey)}. {@code fill} holds one fill value per channel, or is null
     * for 0; {@code scratch} has at least {@link #scratchSize} floats.
     */
    public void apply(float[] data, int offset, int channels, int height, int width, int epoch, long sampleKey,
            float[] fill, float[] scratch) {
        if (isNone()) {
            return;
        }
        transform(draw(epoch, sampleKey, height, width), data, offset, channels, height, width, fill, scratch);
    }

    /** Applies one given transform in place (see {@link Transform} for the mapping). */
    public static void transform(Transform t, float[] data, int offset, int channels, int height, int width,
            float[] fill, float[] scratch) {
        if (t.isIdentity()) {
            return;
        }
        int size = channels * height * width;
        if (scratch.length < size) {
            throw new IllegalArgumentException("augmentation scratch holds " + scratch.length + " floats, a "
                    + channels + "x" + height + "x" + width + " sample needs " + size);
        }
        if (fill != null && fill.length < channels) {
            throw new IllegalArgumentException("augmentation fill has " + fill.length + " values, need one per channel ("
                    + channels + ")");
        }
        System.arraycopy(data, offset, scratch, 0, size);
        if (t.needsInterpolation()) {
            bilinear(t, scratch, data, offset, channels, height, width, fill);
        } else {
            wholePixels(t, scratch, data, offset, channels, height, width, fill);
        }
    }

    /** out(c, y, x) = src(c, y - dy, x' - dx), x' = flip ? W-1-x : x; fill outside the input. */
    private static void wholePixels(Transform t, float[] src, float[] out, int offset, int channels, int height,
            int width, float[] fill) {
        int dx = t.shiftX();
        int dy = t.shiftY();
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float f = fill == null ? 0f : fill[c];
            for (int y = 0; y < height; y++) {
                int o = offset + c * plane + y * width;
                int sy = y - dy;
                if (sy < 0 || sy >= height) {
                    java.util.Arrays.fill(out, o, o + width, f);
                    continue;
                }
                int s = c * plane + sy * width;
                if (!t.flip()) {
                    // valid x: 0 <= x - dx < W
                    int x0 = Math.max(0, dx);
                    int x1 = Math.min(width, width + dx);
                    if (x0 >= x1) {
                        java.util.Arrays.fill(out, o, o + width, f);
                        continue;
                    }
                    java.util.Arrays.fill(out, o, o + x0, f);
                    System.arraycopy(src, s + x0 - dx, out, o + x0, x1 - x0);
                    java.util.Arrays.fill(out, o + x1, o + width, f);
                } else {
                    for (int x = 0; x < width; x++) {
                        int sx = width - 1 - x - dx;
                        out[o + x] = sx >= 0 && sx < width ? src[s + sx] : f;
                    }
                }
            }
        }
    }

    /** Inverse-maps every output pixel into the input and interpolates its 4 neighbours bilinearly. */
    private static void bilinear(Transform t, float[] src, float[] out, int offset, int channels, int height,
            int width, float[] fill) {
        double rad = Math.toRadians(t.angleDegrees());
        double cos = Math.cos(rad);
        double sin = Math.sin(rad);
        double cx = (width - 1) / 2.0;
        double cy = (height - 1) / 2.0;
        int plane = height * width;
        for (int y = 0; y < height; y++) {
            double oy = y - t.shiftY() - cy;
            for (int x = 0; x < width; x++) {
                double ox = (t.flip() ? width - 1 - x : x) - t.shiftX() - cx;
                double sx = cx + t.zoomX() * (ox * cos - oy * sin);
                double sy = cy + t.zoomY() * (ox * sin + oy * cos);
                int x0 = (int) Math.floor(sx);
                int y0 = (int) Math.floor(sy);
                double fx = sx - x0;
                double fy = sy - y0;
                boolean inX0 = x0 >= 0 && x0 < width;
                boolean inX1 = x0 + 1 >= 0 && x0 + 1 < width;
                boolean inY0 = y0 >= 0 && y0 < height;
                boolean inY1 = y0 + 1 >= 0 && y0 + 1 < height;
                double w00 = (1 - fy) * (1 - fx);
                double w01 = (1 - fy) * fx;
                double w10 = fy * (1 - fx);
                double w11 = fy * fx;
                int i00 = y0 * width + x0;
                int o = offset + y * width + x;
                for (int c = 0; c < channels; c++) {
                    float f = fill == null ? 0f : fill[c];
                    int p = c * plane + i00;
                    double v = w00 * (inY0 && inX0 ? src[p] : f)
                            + w01 * (inY0 && inX1 ? src[p + 1] : f)
                            + w10 * (inY1 && inX0 ? src[p + width] : f)
                            + w11 * (inY1 && inX1 ? src[p + width + 1] : f);
                    out[o + c * plane] = (float) v;
                }
            }
        }
    }

    @Override
    public String toString() {
        if (isNone()) {
            return "Augmentation(none)";
        }
        return "Augmentation(seed=" + seed + ", widthShift=" + widthShift + ", heightShift=" + heightShift
                + ", horizontalFlip=" + horizontalFlip + ", rotation=" + rotationDegrees + ", zoom=" + zoom
                + ", cropPadding=" + cropPadding + ")";
    }
}
