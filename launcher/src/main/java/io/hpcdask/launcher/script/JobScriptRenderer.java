package io.hpcdask.launcher.script;

import freemarker.cache.ClassTemplateLoader;
import freemarker.cache.FileTemplateLoader;
import freemarker.cache.MultiTemplateLoader;
import freemarker.cache.TemplateLoader;
import freemarker.template.Configuration;
import freemarker.template.Template;
import freemarker.template.TemplateException;
import freemarker.template.TemplateExceptionHandler;
import freemarker.template.TemplateNotFoundException;
import io.hpcdask.launcher.batch.BatchSystemType;
import io.hpcdask.launcher.batch.BatchSystems;
import io.hpcdask.launcher.config.ConfigException;
import io.hpcdask.launcher.config.ConfigKeys;
import io.hpcdask.launcher.config.Settings;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Renders a worker job script from the skeleton and the header template of the batch system. Templates come from
 * the built-in set unless {@code template-dir} holds one of the same name. The header's generated lines are
 * filtered by {@code directive-skip}; {@code job-extra-directive} lines are appended after them, never filtered.
 */
public final class JobScriptRenderer {
    public static final String SKELETON = "job-script.ftl";
    /** The lines that choose the worker's java on the node ({@link WorkerJava}). */
    public static final String WORKER_JAVA = "worker-java.ftl";
    /** The lines that give the worker's JVM its class-data archive ({@link WorkerJava#archivable()}). */
    public static final String WORKER_CDS = "worker-cds.ftl";

    private final Configuration freemarker;
    private final Path templateDir;

    private JobScriptRenderer(Settings settings) {
        this.templateDir = settings.string(ConfigKeys.TEMPLATE_DIR).map(Path::of).orElse(null);
        this.freemarker = configuration(templateDir);
    }

    /** The job script of these settings (their templates, their batch system) for this endpoint. */
    public static String render(Settings settings, WorkerEndpoint endpoint) {
        JobScriptRenderer renderer = new JobScriptRenderer(settings);
        WorkerJava java = WorkerJava.of(settings, endpoint.workerRuntime());
        return renderer.renderWith(settings, renderer.javaChoice(java) + renderer.classArchive(java, endpoint.workerJar())
                + WorkerCommand.of(settings, endpoint, java));
    }

    /**
     * The same script with the worker replaced by the worker jar's network probe of {@code address}: what
     * {@code doctor} submits to learn whether a compute node reaches the scheduler.
     */
    public static String renderProbe(Settings settings, String workerJar, String workerRuntime, String address) {
        JobScriptRenderer renderer = new JobScriptRenderer(settings);
        WorkerJava java = WorkerJava.of(settings, workerRuntime);
        return renderer.renderWith(settings, renderer.javaChoice(java) + WorkerCommand.probe(java, workerJar, address));
    }

    /** The lines of {@link #WORKER_JAVA} when the java is chosen on the node, else nothing. */
    private String javaChoice(WorkerJava java) {
        return java.chosenOnNode() ? process(WORKER_JAVA, java.templateModel()) : "";
    }

    /** The lines of {@link #WORKER_CDS} when the worker's JVM can use an archive made on the node, else nothing. */
    private String classArchive(WorkerJava java, String workerJar) {
        return java.archivable() ? process(WORKER_CDS, WorkerCommand.classArchiveModel(java, workerJar)) : "";
    }

    private String renderWith(Settings settings, String workerCommand) {
        BatchSystemType system = BatchSystems.type(settings.system());
        Map<String, Object> header = headerModel(settings);
        List<String> lines = new ArrayList<>();
        List<String> skips = settings.strings(ConfigKeys.DIRECTIVE_SKIP);
        for (String line : process(system.headerTemplate(), header).split("\n")) {
            if (!line.isBlank() && skips.stream().noneMatch(line::contains)) {
                lines.add(line);
            }
        }
        for (String extra : settings.strings(ConfigKeys.JOB_EXTRA_DIRECTIVE)) {
            lines.add(system.directivePrefix() + " " + extra);
        }
        Map<String, Object> model = new HashMap<>();
        model.put("shebang", settings.string(ConfigKeys.SHEBANG).orElseThrow());
        model.put("header", lines);
        model.put("prologue", settings.strings(ConfigKeys.PROLOGUE));
        model.put("epilogue", settings.strings(ConfigKeys.EPILOGUE));
        model.put("workerCommand", workerCommand);
        model.putAll(header);
        return process(SKELETON, model);
    }

    private static Map<String, Object> headerModel(Settings s) {
        Map<String, Object> m = new HashMap<>();
        m.put("system", s.system());
        s.string(ConfigKeys.JOB_NAME).ifPresent(v -> m.put("jobName", v));
        s.string(ConfigKeys.LOG_DIRECTORY).ifPresent(v -> m.put("logDirectory", stripTrailingSlash(v)));
        s.string(ConfigKeys.QUEUE).ifPresent(v -> m.put("queue", v));
        s.string(ConfigKeys.ACCOUNT).ifPresent(v -> m.put("account", v));
        s.cores().ifPresent(v -> m.put("cores", v));
        // every system's form, so a site's own template for one system may still use another's (memory.slurm)
        s.memory().ifPresent(v -> m.put("memory", inEverySystem(t -> t.memory().apply(v), "bytes", v.bytes())));
        var w = s.walltime();
        m.put("walltime", inEverySystem(t -> t.walltime().apply(w), "seconds", w.seconds()));
        if (!s.resources().isEmpty()) {
            m.put("resources", s.resources().toString());
        }
        return m;
    }

    private static Map<String, Object> inEverySystem(Function<BatchSystemType, String> form, String plainKey, long plain) {
        Map<String, Object> m = new HashMap<>();
        BatchSystems.ALL.forEach(t -> m.put(t.name(), form.apply(t)));
        m.put(plainKey, plain);
        return m;
    }

    private static String stripTrailingSlash(String dir) {
        return dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
    }

    private String process(String name, Map<String, Object> model) {
        try {
            Template t = freemarker.getTemplate(name);
            StringWriter out = new StringWriter();
            t.process(model, out);
            return out.toString();
        } catch (TemplateNotFoundException e) {
            throw new IllegalStateException("built-in template " + name + " is missing from the launcher jar", e);
        } catch (TemplateException e) {
            throw new ConfigException("template " + where(name) + " line " + e.getLineNumber() + ": "
                    + e.getMessageWithoutStackTop().lines().findFirst().orElse("error"));
        } catch (IOException e) {
            throw new ConfigException("template " + where(name) + " cannot be read: " + e.getMessage());
        }
    }

    private String where(String name) {
        return templateDir != null && Files.exists(templateDir.resolve(name)) ? templateDir.resolve(name).toString() : name;
    }

    private static Configuration configuration(Path templateDir) {
        Configuration cfg = new Configuration(Configuration.VERSION_2_3_34);
        cfg.setDefaultEncoding("UTF-8");
        cfg.setNumberFormat("c");
        cfg.setTemplateExceptionHandler(TemplateExceptionHandler.RETHROW_HANDLER);
        cfg.setLogTemplateExceptions(false);
        cfg.setWrapUncheckedExceptions(true);
        cfg.setFallbackOnNullLoopVariable(false);
        cfg.setLocalizedLookup(false);
        TemplateLoader builtIn = new ClassTemplateLoader(JobScriptRenderer.class, "/io/hpcdask/templates");
        if (templateDir == null) {
            cfg.setTemplateLoader(builtIn);
            return cfg;
        }
        if (!Files.isDirectory(templateDir)) {
            throw new ConfigException("invalid template-dir: '" + templateDir + "' is not a directory; expected a directory "
                    + "holding any of " + SKELETON + ", "
                    + BatchSystems.ALL.stream().map(BatchSystemType::headerTemplate).collect(Collectors.joining(", ")));
        }
        try {
            cfg.setTemplateLoader(new MultiTemplateLoader(new TemplateLoader[] {new FileTemplateLoader(templateDir.toFile()), builtIn}));
        } catch (IOException e) {
            throw new ConfigException("invalid template-dir: '" + templateDir + "' cannot be read: " + e.getMessage());
        }
        return cfg;
    }
}
