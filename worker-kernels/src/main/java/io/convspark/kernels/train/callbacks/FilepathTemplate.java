package io.convspark.kernels.train.callbacks;

import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A checkpoint file name with Python {@code str.format} fields, as Keras' {@code ModelCheckpoint}
 * takes it: {@code {epoch}} (counted from 1) and any log key, optionally with a format spec of the
 * form {@code [0][width][.precision](d|f|e|g)}, e.g. {@code weights-{epoch:02d}-{val_loss:.2f}.convspark}.
 * {@code {{} and {@code }}} are literal braces.
 */
final class FilepathTemplate {
    private static final Pattern FIELD = Pattern.compile("\\{\\{|}}|\\{([A-Za-z_][A-Za-z0-9_]*)(?::(0?\\d*(?:\\.\\d+)?[dfeg]?))?}");

    private final String template;

    FilepathTemplate(String template) {
        this.template = template;
        String rest = FIELD.matcher(template).replaceAll("");
        if (rest.contains("{") || rest.contains("}")) {
            throw new IllegalArgumentException("ModelCheckpoint: 'filepath' " + template + ": expected fields such as "
                    + "{epoch:02d} or {val_loss:.4f}, found an unmatched or malformed brace");
        }
    }

    /** The file name for {@code epoch} (from 0) and its logs. */
    String format(int epoch, Map<String, Double> logs) {
        Matcher m = FIELD.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group().equals("{{")) {
                replacement = "{";
            } else if (m.group().equals("}}")) {
                replacement = "}";
            } else {
                replacement = field(m.group(1), m.group(2), epoch, logs);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }

    private String field(String name, String spec, int epoch, Map<String, Double> logs) {
        Object value;
        if (name.equals("epoch")) {
            value = (long) epoch + 1;
        } else if (logs.containsKey(name)) {
            value = logs.get(name);
        } else {
            throw new IllegalArgumentException("ModelCheckpoint: 'filepath' " + template + ": field '{" + name
                    + "}' is neither 'epoch' nor a log key; available: epoch, " + String.join(", ", logs.keySet()));
        }
        if (spec == null || spec.isEmpty()) {
            return value.toString();
        }
        char type = Character.isLetter(spec.charAt(spec.length() - 1)) ? spec.charAt(spec.length() - 1) : 'g';
        String width = Character.isLetter(spec.charAt(spec.length() - 1)) ? spec.substring(0, spec.length() - 1)
                : spec;
        if (type == 'd') {
            if (!(value instanceof Long) && !(value instanceof Double d && d == Math.rint(d))) {
                throw new IllegalArgumentException("ModelCheckpoint: 'filepath' " + template + ": field '{" + name
                        + ":" + spec + "}' formats an integer, found " + value);
            }
            return String.format(Locale.ROOT, "%" + width + "d", ((Number) value).longValue());
        }
        return String.format(Locale.ROOT, "%" + width + type, ((Number) value).doubleValue());
    }
}
