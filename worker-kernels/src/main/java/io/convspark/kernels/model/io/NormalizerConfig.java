package io.convspark.kernels.model.io;

import io.convspark.kernels.data.Normalizer;
import io.convspark.kernels.data.Rescaling;
import io.convspark.kernels.data.Standardization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Normalizer} as data for {@code training.json}, so prediction preprocesses exactly as
 * training did: {@code {"type": "Rescaling", "scale": S, "offset": O}} or
 * {@code {"type": "Standardization", "mean": [...], "std": [...]}} (one value per channel).
 */
public final class NormalizerConfig {
    private NormalizerConfig() {
    }

    public static Map<String, Object> toConfig(Normalizer normalizer) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (normalizer instanceof Rescaling r) {
            c.put("type", "Rescaling");
            c.put("scale", r.scale());
            c.put("offset", r.offset());
        } else if (normalizer instanceof Standardization s) {
            c.put("type", "Standardization");
            c.put("mean", s.mean());
            c.put("std", s.std());
        } else {
            throw new IllegalArgumentException("cannot describe normalizer " + normalizer
                    + " as data; expected Rescaling or Standardization");
        }
        return c;
    }

    /** Reads {@link #toConfig}'s form; {@code where} names the file and field in errors. */
    public static Normalizer fromConfig(Object config, String where) {
        if (!(config instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(where + ": expected an object with 'type' Rescaling or "
                    + "Standardization, found " + config);
        }
        Object type = map.get("type");
        if ("Rescaling".equals(type)) {
            return new Rescaling(number(map, "scale", where), number(map, "offset", where));
        }
        if ("Standardization".equals(type)) {
            return Standardization.of(floats(map, "mean", where), floats(map, "std", where));
        }
        throw new IllegalArgumentException(where + ".type: expected Rescaling or Standardization, found " + type);
    }

    private static double number(Map<?, ?> map, String key, String where) {
        if (map.get(key) instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException(where + "." + key + ": expected a number, found " + map.get(key));
    }

    private static float[] floats(Map<?, ?> map, String key, String where) {
        Object v = map.get(key);
        if (v instanceof float[] f) {
            return f;
        }
        if (!(v instanceof List<?> list)) {
            throw new IllegalArgumentException(where + "." + key + ": expected a list of numbers, found " + v);
        }
        float[] f = new float[list.size()];
        for (int i = 0; i < f.length; i++) {
            if (!(list.get(i) instanceof Number n)) {
                throw new IllegalArgumentException(where + "." + key + "[" + i + "]: expected a number, found "
                        + list.get(i));
            }
            f[i] = n.floatValue();
        }
        return f;
    }
}
