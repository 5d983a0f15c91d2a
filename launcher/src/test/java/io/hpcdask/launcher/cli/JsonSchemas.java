package io.hpcdask.launcher.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/** The documented JSON shapes of the commands ({@code docs/json/NAME.schema.json}), checked with a real validator. */
public final class JsonSchemas {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonSchemaFactory FACTORY = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);

    private JsonSchemas() {
    }

    /** docs/json at the repository's root; tests run in the module's directory. */
    public static Path dir() {
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("docs/json"))) {
                return p.resolve("docs/json");
            }
        }
        throw new AssertionError("no docs/json above " + here);
    }

    public static JsonSchema schema(String name) {
        try (InputStream in = Files.newInputStream(dir().resolve(name + ".schema.json"))) {
            return FACTORY.getSchema(in);
        } catch (IOException e) {
            throw new AssertionError("cannot read the schema " + name + ": " + e.getMessage(), e);
        }
    }

    /** What the validator finds wrong in {@code json} against the schema {@code name}; empty when it conforms. */
    public static Set<ValidationMessage> problems(String name, String json) {
        try {
            return schema(name).validate(JSON.readTree(json));
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + e.getMessage() + "\n" + json, e);
        }
    }

    /** Asserts the command's output conforms to its schema, and returns it parsed. */
    public static JsonNode conforming(String name, String json) {
        assertThat(problems(name, json)).as("%s does not conform to docs/json/%s.schema.json", json, name).isEmpty();
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }
}
