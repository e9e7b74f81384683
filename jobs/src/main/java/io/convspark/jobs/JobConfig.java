package io.convspark.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A job configuration file ({@code --config FILE}, e.g. {@code conf/jobs/mnist-deitel.yaml}) in JSON, YAML or
 * HOCON, told apart by the extension ({@link JobConfigFormat}): an object whose keys are the command's long
 * option names without the dashes ({@code "batch-size": 64}, {@code master: "local-cluster[2,1,2048]"}); a
 * list stands for a comma-separated value ({@code metrics}), null for the option's default. Options given on
 * the command line override the file. Unknown keys are refused with the list of valid ones.
 */
final class JobConfig implements CommandLine.IDefaultValueProvider {
    static final String OPTION = "--config";

    private final Path file;
    private final Map<String, String> values;

    private JobConfig(Path file, Map<String, String> values) {
        this.file = file;
        this.values = values;
    }

    /** Installs the file named by {@code --config} in {@code args} (if any) as {@code command}'s defaults. */
    static void install(CommandLine root, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String path = null;
            if (args[i].equals(OPTION) && i + 1 < args.length) {
                path = args[i + 1];
            } else if (args[i].startsWith(OPTION + "=")) {
                path = args[i].substring(OPTION.length() + 1);
            }
            if (path != null && args.length > 0) {
                CommandLine sub = root.getSubcommands().get(args[0]);
                if (sub != null) {
                    sub.setDefaultValueProvider(read(Path.of(path), sub.getCommandSpec()));
                }
                return;
            }
        }
    }

    static JobConfig read(Path file, CommandSpec spec) {
        JobConfigFormat format = JobConfigFormat.of(file);
        JsonNode root = format.read(file);
        if (root == null || !root.isObject()) {
            String found = root == null || root.isMissingNode() ? "nothing" : root.getNodeType().toString();
            throw new UserError(OPTION + " " + file + ": expected a " + format.title() + " object of option names "
                    + "(e.g. epochs: 5), found " + found);
        }
        Set<String> known = new TreeSet<>();
        for (OptionSpec o : spec.options()) {
            known.add(o.longestName().replaceFirst("^-+", ""));
        }
        known.remove("config");
        known.remove("help");
        known.remove("version");
        Map<String, String> values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                throw new UserError(OPTION + " " + file + ": unknown option '" + e.getKey() + "' for '"
                        + spec.name() + "'; valid: " + String.join(", ", known));
            }
            JsonNode v = e.getValue();
            if (v.isNull()) {
                continue;
            }
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode x : v) {
                    if (!x.isValueNode()) {
                        throw new UserError(OPTION + " " + file + ": option '" + e.getKey() + "' must be a list of "
                                + "strings, numbers or booleans, found an element of type " + x.getNodeType());
                    }
                    parts.add(x.asText());
                }
                values.put(e.getKey(), String.join(",", parts));
            } else if (v.isValueNode()) {
                values.put(e.getKey(), v.asText());
            } else {
                throw new UserError(OPTION + " " + file + ": option '" + e.getKey()
                        + "' must be a string, number, boolean or list, found " + v.getNodeType());
            }
        }
        return new JobConfig(file, values);
    }

    /** The option values the file gives, by long option name without the dashes, as text. */
    Map<String, String> values() {
        return Collections.unmodifiableMap(values);
    }

    @Override
    public String defaultValue(ArgSpec arg) {
        if (arg instanceof OptionSpec o) {
            return values.get(o.longestName().replaceFirst("^-+", ""));
        }
        return null;
    }

    @Override
    public String toString() {
        return "job config " + file + " " + values;
    }
}
