package io.convspark.kernels.train.callbacks;

import io.convspark.kernels.schedules.ConfigReader;
import io.convspark.kernels.train.Callback;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Callbacks configured as data, with Keras' class names and argument names:
 * <pre>{@code
 * [{"type": "EarlyStopping", "monitor": "val_loss", "patience": 3, "restore_best_weights": true},
 *  {"type": "ModelCheckpoint", "filepath": "ckpt-{epoch:02d}-{val_loss:.3f}.convspark", "save_best_only": true},
 *  {"type": "ReduceLROnPlateau", "factor": 0.5, "patience": 2},
 *  {"type": "CSVLogger", "filename": "log.csv"},
 *  {"type": "TerminateOnNaN"},
 *  {"type": "LearningRateScheduler", "schedule": {"type": "StepDecay", "factor": 0.5, "every": 10}}]
 * }</pre>
 * Missing arguments take Keras' defaults; unknown types and unknown arguments are rejected with
 * the valid ones. {@code verbose} is accepted and ignored (decisions are logged).
 */
public final class Callbacks {
    public static final List<String> TYPES = List.of("ModelCheckpoint", "EarlyStopping", "ReduceLROnPlateau",
            "CSVLogger", "TerminateOnNaN", "LearningRateScheduler");

    private Callbacks() {
    }

    /**
     * Builds the listed callbacks; {@code training} is the training config that model checkpoints
     * store (see {@link io.convspark.kernels.model.io.SavedModel}).
     */
    public static List<Callback> fromConfig(List<Map<String, Object>> configs, Map<String, Object> training) {
        List<Callback> callbacks = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            Map<String, Object> c = configs.get(i);
            Object type = c == null ? null : c.get("type");
            String owner = "callback #" + (i + 1) + (type == null ? "" : " (" + type + ")");
            if (!(type instanceof String t) || !TYPES.contains(t)) {
                throw new IllegalArgumentException(owner + ": 'type' must be one of " + String.join(", ", TYPES)
                        + ", got " + (type instanceof String ? "\"" + type + "\"" : type));
            }
            callbacks.add(create(t, owner, c, training));
        }
        return callbacks;
    }

    private static Callback create(String type, String owner, Map<String, Object> c, Map<String, Object> training) {
        return switch (type) {
            case "ModelCheckpoint" -> {
                ConfigReader r = reader(owner, c, "filepath", "monitor", "mode", "save_best_only",
                        "save_weights_only", "save_freq", "initial_value_threshold");
                if (r.has("save_freq") && !"epoch".equals(r.raw("save_freq"))) {
                    throw r.error("save_freq", "\"epoch\" (saving every N batches is not supported)",
                            r.raw("save_freq"));
                }
                if (!r.has("filepath")) {
                    throw new IllegalArgumentException(owner + ": missing required setting 'filepath'");
                }
                yield new ModelCheckpoint(r.string("filepath", null), r.string("monitor", "val_loss"), mode(r),
                        r.bool("save_best_only", false), r.bool("save_weights_only", false),
                        r.has("initial_value_threshold") ? r.number("initial_value_threshold", 0) : null, training);
            }
            case "EarlyStopping" -> {
                ConfigReader r = reader(owner, c, "monitor", "min_delta", "patience", "mode", "baseline",
                        "restore_best_weights", "start_from_epoch");
                yield new EarlyStopping(r.string("monitor", "val_loss"), r.number("min_delta", 0),
                        integer(r, "patience", 0), mode(r), r.has("baseline") ? r.number("baseline", 0) : null,
                        r.bool("restore_best_weights", false), integer(r, "start_from_epoch", 0));
            }
            case "ReduceLROnPlateau" -> {
                ConfigReader r = reader(owner, c, "monitor", "factor", "patience", "mode", "min_delta", "cooldown",
                        "min_lr");
                yield new ReduceLROnPlateau(r.string("monitor", "val_loss"), r.number("factor", 0.1),
                        integer(r, "patience", 10), mode(r), r.number("min_delta", 1e-4), integer(r, "cooldown", 0),
                        r.number("min_lr", 0));
            }
            case "CSVLogger" -> {
                ConfigReader r = reader(owner, c, "filename", "separator", "append");
                if (!r.has("filename")) {
                    throw new IllegalArgumentException(owner + ": missing required setting 'filename'");
                }
                yield new CSVLogger(Paths.get(r.string("filename", null)), r.string("separator", ","),
                        r.bool("append", false));
            }
            case "TerminateOnNaN" -> {
                reader(owner, c);
                yield new TerminateOnNaN();
            }
            default -> {
                ConfigReader r = reader(owner, c, "schedule");
                yield new LearningRateScheduler(schedule(owner, r.raw("schedule")));
            }
        };
    }

    /** {@code {"type": "StepDecay", "factor": F, "every": N}}, the data form of a schedule function. */
    private static EpochSchedule schedule(String owner, Object config) {
        if (!(config instanceof Map<?, ?> map) || !"StepDecay".equals(map.get("type"))) {
            throw new IllegalArgumentException(owner + ": 'schedule' must be {\"type\": \"StepDecay\", \"factor\": F, "
                    + "\"every\": N} (the rate times F every N epochs), got " + config);
        }
        @SuppressWarnings("unchecked")
        Map<String, ?> m = (Map<String, ?>) map;
        ConfigReader r = new ConfigReader(owner + " schedule", m, List.of("type", "factor", "every"));
        return EpochSchedule.stepDecay(r.requiredNumber("factor"), Math.toIntExact(r.requiredInteger("every")));
    }

    private static ConfigReader reader(String owner, Map<String, Object> c, String... keys) {
        List<String> valid = new ArrayList<>(List.of(keys));
        valid.add("type");
        valid.add("verbose");
        return new ConfigReader(owner, c, valid);
    }

    private static Mode mode(ConfigReader r) {
        return Mode.parse(r.string("mode", "auto"), r.owner());
    }

    private static int integer(ConfigReader r, String key, int defaultValue) {
        return Math.toIntExact(r.integer(key, defaultValue));
    }
}
