package io.convspark.driver.ml;

import java.util.Arrays;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * What a DataFrame column of images holds, told by its type: the struct of Spark's image data source
 * ({@code spark.read.format("image")}: origin, height, width, nChannels, mode, data as BGR bytes), a binary
 * column (encoded PNG/JPEG from {@code binaryFile} or Parquet, or raw uint8 pixels), an array of numbers or an
 * ML vector (pixel intensities 0..255 in CHW order).
 */
public enum ImageColumn {
    IMAGE_STRUCT, BINARY, NUMERIC_ARRAY, VECTOR;

    /** The struct fields of Spark's image source that scoring reads. */
    static final String[] IMAGE_FIELDS = {"origin", "height", "width", "nChannels", "mode", "data"};

    /** The kind of {@code column} in {@code schema}, or an error naming the column and its type. */
    public static ImageColumn of(StructType schema, String column) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException("features column '" + column + "' not found; the columns are "
                    + Arrays.toString(schema.fieldNames()));
        }
        DataType type = schema.apply(column).dataType();
        if (type instanceof StructType struct) {
            if (Arrays.asList(struct.fieldNames()).containsAll(Arrays.asList(IMAGE_FIELDS))) {
                return IMAGE_STRUCT;
            }
        } else if (type instanceof BinaryType) {
            return BINARY;
        } else if (type instanceof ArrayType array && array.elementType() instanceof NumericType) {
            return NUMERIC_ARRAY;
        } else if (type.equals(SQLDataTypes.VectorType())) {
            return VECTOR;
        }
        throw new IllegalArgumentException("features column '" + column + "' has type " + type.simpleString()
                + "; expected an image struct (spark.read.format(\"image\")), binary (binaryFile content or a "
                + "Parquet column of PNG/JPEG or raw uint8 pixels), an array of numbers or an ML vector");
    }
}
