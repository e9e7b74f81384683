package io.convspark.driver.ml;

/**
 * One image as uint8 planes, channel-major ({@code data[(c * height + y) * width + x]}), with the two
 * conversions scoring may be configured to make: another channel count and another size.
 */
record PixelPlanes(byte[] data, int channels, int height, int width) {

    /**
     * This image with {@code target} channels: 3 to 1 is the ITU-R BT.601 luma
     * {@code 0.299 R + 0.587 G + 0.114 B}; 1 to 3 repeats the grey plane.
     */
    PixelPlanes withChannels(int target) {
        if (target == channels) {
            return this;
        }
        int plane = height * width;
        byte[] out = new byte[target * plane];
        if (channels == 3 && target == 1) {
            for (int i = 0; i < plane; i++) {
                double luma = 0.299 * (data[i] & 0xFF) + 0.587 * (data[plane + i] & 0xFF)
                        + 0.114 * (data[2 * plane + i] & 0xFF);
                out[i] = (byte) Math.min(255, (int) Math.round(luma));
            }
        } else if (channels == 1 && target == 3) {
            for (int c = 0; c < 3; c++) {
                System.arraycopy(data, 0, out, c * plane, plane);
            }
        } else {
            throw new IllegalArgumentException("no conversion from " + channels + " to " + target + " channels");
        }
        return new PixelPlanes(out, target, height, width);
    }

    /**
     * This image scaled to {@code h x w} by bilinear interpolation with pixel centres aligned (OpenCV's
     * and PIL's convention): output pixel (y, x) samples the input at
     * {@code ((y + 0.5) * height / h - 0.5, (x + 0.5) * width / w - 0.5)}, clamped to the border.
     */
    PixelPlanes resized(int h, int w) {
        if (h == height && w == width) {
            return this;
        }
        byte[] out = new byte[channels * h * w];
        double sy = (double) height / h;
        double sx = (double) width / w;
        for (int c = 0; c < channels; c++) {
            int in = c * height * width;
            for (int y = 0; y < h; y++) {
                double fy = Math.max(0, Math.min(height - 1, (y + 0.5) * sy - 0.5));
                int y0 = (int) fy;
                int y1 = Math.min(height - 1, y0 + 1);
                double dy = fy - y0;
                for (int x = 0; x < w; x++) {
                    double fx = Math.max(0, Math.min(width - 1, (x + 0.5) * sx - 0.5));
                    int x0 = (int) fx;
                    int x1 = Math.min(width - 1, x0 + 1);
                    double dx = fx - x0;
                    double top = (1 - dx) * (data[in + y0 * width + x0] & 0xFF) + dx * (data[in + y0 * width + x1] & 0xFF);
                    double bottom = (1 - dx) * (data[in + y1 * width + x0] & 0xFF) + dx * (data[in + y1 * width + x1] & 0xFF);
                    out[(c * h + y) * w + x] = (byte) (int) Math.round((1 - dy) * top + dy * bottom);
                }
            }
        }
        return new PixelPlanes(out, channels, h, w);
    }

    String describe() {
        return channels + "x" + height + "x" + width;
    }
}
