package io.convspark.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The languages a job configuration file ({@code --config FILE}) may be written in, chosen by the file's
 * extension: JSON ({@code .json}), YAML ({@code .yaml}, {@code .yml}) or HOCON ({@code .conf},
 * {@code .hocon}, Typesafe Config: comments, unquoted strings, {@code include "base.conf"} relative to
 * the file, {@code ${?ENV_VAR}} substitutions). Each is read into the same JSON tree, so a setting means
 * the same in all three.
 */
enum JobConfigFormat {
    JSON("JSON", ".json"),
    YAML("YAML", ".yaml", ".yml"),
    HOCON("HOCON", ".conf", ".hocon");

    private final String title;
    private final List<String> extensions;

    JobConfigFormat(String title, String... extensions) {
        this.title = title;
        this.extensions = List.of(extensions);
    }

    /** The format of {@code file} by its extension; fails naming the file and the extensions known. */
    static JobConfigFormat of(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        for (JobConfigFormat f : values()) {
            for (String ext : f.extensions) {
                if (name.endsWith(ext)) {
                    return f;
                }
            }
        }
        throw new UserError(JobConfig.OPTION + " " + file + ": unknown kind of file; expected a name ending in "
                + known() + ", found '" + (file.getFileName() == null ? file : file.getFileName()) + "'");
    }

    /** The file's content as a JSON tree; fails naming the file, the format and where the syntax breaks. */
    JsonNode read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new UserError(JobConfig.OPTION + " " + file + ": no such file");
        }
        try {
            return switch (this) {
                case JSON -> strict(new ObjectMapper()).readTree(file.toFile());
                case YAML -> strict(new ObjectMapper(new YAMLFactory())).readTree(file.toFile());
                case HOCON -> new ObjectMapper().readTree(ConfigFactory.parseFile(file.toFile(),
                                ConfigParseOptions.defaults().setSyntax(ConfigSyntax.CONF).setAllowMissing(false))
                        .resolve().root().render(ConfigRenderOptions.concise()));
            };
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0 ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw invalid(file, e.getOriginalMessage() + where);
        } catch (ConfigException e) {
            throw invalid(file, e.getMessage());
        } catch (IOException e) {
            throw new UserError(JobConfig.OPTION + " " + file + ": cannot read it: " + e);
        }
    }

    /** A key given twice, or anything after the first object (a second YAML document), is an error. */
    private static ObjectMapper strict(ObjectMapper mapper) {
        return mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    }

    private UserError invalid(Path file, String why) {
        return new UserError(JobConfig.OPTION + " " + file + ": not valid " + title + " (chosen by the extension): "
                + why);
    }

    /** {@code "JSON"}, {@code "YAML"}, {@code "HOCON"}. */
    String title() {
        return title;
    }

    /** All extensions, e.g. {@code .json, .yaml, .yml, .conf, .hocon}. */
    static String known() {
        StringBuilder s = new StringBuilder();
        for (JobConfigFormat f : values()) {
            for (String ext : f.extensions) {
                s.append(s.length() == 0 ? "" : ", ").append(ext);
            }
        }
        return s.toString();
    }
}
