package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.source.yaml.YamlConfigSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * What a native image build checks, checked on the JVM (no GraalVM needed): the build-time initialized
 * classes hold nothing the image heap refuses, the libraries that load native code in static initializers
 * are initialized at run time, the files the similar cache loads are native resources, the checked-in JNI
 * metadata names members that exist, and the substitutions still fit the classes they replace. Reads
 * application.yaml, the gateway's bytecode and its libraries' jars; loads no native library.
 */
class NativeImageConfigTest {

    private static final Path CLASSES = Tools.PROJECT.resolve("target/classes");
    private static final String METADATA = "META-INF/native-image/dev.understudy/understudy/";

    /**
     * The libraries of the similar cache (and what they bring) whose static initializers are read: a class
     * among them that loads a native library while initializing must be initialized at run time.
     */
    private static final List<String> NATIVE_CODE_LIBRARIES = List.of("ai/onnxruntime/OnnxRuntime.class",
            "ai/djl/huggingface/tokenizers/HuggingFaceTokenizer.class", "ai/djl/engine/Engine.class",
            "com/sun/jna/Native.class", "dev/langchain4j/model/embedding/onnx/OnnxBertBiEncoder.class");

    /**
     * The files the similar cache opens on Linux x86-64 (the model, its tokenizer, and what ONNX Runtime and
     * the tokenizer library copy out and load): each must be on the class path and in the native resources.
     */
    private static final List<String> SIMILAR_CACHE_FILES = List.of("bge-small-en-v1.5-q.onnx",
            "bge-small-en-v1.5-q-tokenizer.json", "ai/onnxruntime/native/linux-x64/libonnxruntime.so",
            "ai/onnxruntime/native/linux-x64/libonnxruntime4j_jni.so", "native/lib/tokenizers.properties",
            "native/lib/linux-x86_64/cpu/libtokenizers.so");

    @Test
    void noClassInitializedAtBuildTimeHoldsABufferAThreadOrARandomInAStaticField() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> runTime = runTimeInitialized();
        for (ClassNode c : NativeBytecode.classesUnder(CLASSES)) {
            if (!NativeInit.matches(runTime, Type.getObjectType(c.name).getClassName())) {
                problems.addAll(ImageHeap.refusedStatics(c));
            }
        }
        assertThat(problems).as("static fields of build-time initialized classes that a native image heap refuses "
                + "(make the value per call, or initialize the class at run time)").isEmpty();
    }

    @Test
    void theHeapCheckFindsAStaticBufferWhereThereIsOne() throws Exception {
        ClassNode fixture = NativeBytecode.read(NativeImageConfigTest.class.getResourceAsStream("NativeImageConfigTest$HoldsABuffer.class"));
        assertThat(ImageHeap.refusedStatics(fixture)).singleElement().asString().contains("DONE", "Buffer");
    }

    @Test
    void everyLibraryClassThatLoadsNativeCodeWhileInitializingIsInitializedAtRunTime() throws Exception {
        Set<String> runTime = runTimeInitialized();
        List<Path> jars = new ArrayList<>();
        for (String marker : NATIVE_CODE_LIBRARIES) {
            jars.add(jarOf(marker));
        }
        Set<String> loaders = NativeInit.classesLoadingNativeCodeInClinit(jars);
        assertThat(loaders).as("the check reads the static initializers").contains("ai.onnxruntime.OrtEnvironment",
                "ai.djl.huggingface.tokenizers.jni.LibUtils");
        assertThat(loaders.stream().filter(c -> !NativeInit.matches(runTime, c)).toList())
                .as("classes that load a native library in their static initializer, initialized at build time "
                        + "(add --initialize-at-run-time=... to quarkus.native.additional-build-args)")
                .isEmpty();
    }

    @Test
    void everyFileTheSimilarCacheLoadsIsANativeImageResource() {
        List<String> includes = config().getValues("quarkus.native.resources.includes", String.class);
        for (String file : SIMILAR_CACHE_FILES) {
            assertThat(getClass().getClassLoader().getResource(file)).as("%s on the class path", file).isNotNull();
            assertThat(includes).as("quarkus.native.resources.includes covers %s", file)
                    .anyMatch(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(file)));
        }
    }

    @Test
    void everyJniRegistrationNamesAMemberThatExists() throws Exception {
        JsonNode config;
        try (InputStream in = Files.newInputStream(CLASSES.resolve(METADATA + "jni-config.json"))) {
            config = new ObjectMapper().readTree(in);
        }
        assertThat(config).as("JNI registrations").isNotEmpty();
        List<String> missing = new ArrayList<>();
        for (JsonNode entry : config) {
            String name = entry.get("name").asText();
            ClassNode c = NativeBytecode.classNamed(name);
            if (c == null) {
                missing.add(name);
                continue;
            }
            for (JsonNode m : entry.path("methods")) {
                String params = NativeBytecode.descriptorOf(m.get("parameterTypes"));
                if (c.methods.stream().noneMatch(x -> x.name.equals(m.get("name").asText()) && x.desc.startsWith(params))) {
                    missing.add(name + "." + m.get("name").asText() + params);
                }
            }
            for (JsonNode f : entry.path("fields")) {
                if (c.fields.stream().noneMatch(x -> x.name.equals(f.get("name").asText()))) {
                    missing.add(name + "." + f.get("name").asText());
                }
            }
        }
        assertThat(missing).as("JNI registrations of members the libraries no longer have (collect them again)").isEmpty();
    }

    @Test
    void everySubstitutionStillMatchesTheMethodItReplaces() throws Exception {
        List<String> problems = new ArrayList<>();
        int substituted = 0;
        for (ClassNode c : NativeBytecode.classesUnder(CLASSES)) {
            String target = NativeBytecode.annotationValue(NativeBytecode.annotations(c.visibleAnnotations, c.invisibleAnnotations),
                    "Lcom/oracle/svm/core/annotate/TargetClass;", "className");
            if (target == null) {
                continue;
            }
            ClassNode original = NativeBytecode.classNamed(target);
            if (original == null) {
                problems.add(c.name + ": no class " + target);
                continue;
            }
            for (MethodNode m : c.methods) {
                if (NativeBytecode.annotated(NativeBytecode.annotations(m.visibleAnnotations, m.invisibleAnnotations),
                        "Lcom/oracle/svm/core/annotate/Substitute;")) {
                    substituted++;
                    if (original.methods.stream().noneMatch(o -> o.name.equals(m.name) && o.desc.equals(m.desc))) {
                        problems.add(target + "." + m.name + m.desc + " is gone");
                    }
                }
            }
        }
        assertThat(substituted).as("substituted methods").isPositive();
        assertThat(problems).as("substitutions whose target changed (the native build would fail)").isEmpty();
    }

    /** Classes and packages initialized at run time: application.yaml's build arguments and the jars' own. */
    private static Set<String> runTimeInitialized() throws IOException {
        Set<String> out = new TreeSet<>();
        for (String arg : config().getOptionalValues("quarkus.native.additional-build-args", String.class)
                .orElse(List.of())) {
            NativeInit.addRunTime(arg, out);
        }
        Enumeration<URL> props = NativeImageConfigTest.class.getClassLoader().getResources("META-INF/native-image");
        while (props.hasMoreElements()) {
            URL url = props.nextElement();
            if (url.openConnection() instanceof JarURLConnection jar) {
                try (JarFile file = new JarFile(jar.getJarFileURL().getPath())) {
                    for (JarEntry e : file.stream().filter(e -> e.getName().endsWith("/native-image.properties")).toList()) {
                        Properties p = new Properties();
                        try (InputStream in = file.getInputStream(e)) {
                            p.load(in);
                        }
                        NativeInit.addRunTime(p.getProperty("Args", ""), out);
                    }
                }
            }
        }
        return out;
    }

    private static SmallRyeConfig config() {
        try {
            return new SmallRyeConfigBuilder().withSources(new YamlConfigSource(
                    CLASSES.resolve("application.yaml").toUri().toURL())).build();
        } catch (IOException e) {
            throw new AssertionError("target/classes/application.yaml", e);
        }
    }

    private static Path jarOf(String resource) throws IOException {
        URL url = NativeImageConfigTest.class.getClassLoader().getResource(resource);
        assertThat(url).as("%s on the class path", resource).isNotNull();
        return Path.of(((JarURLConnection) url.openConnection()).getJarFileURL().getPath());
    }

    /** A build-time initialized class whose static field a native image heap refuses (read, never loaded). */
    static final class HoldsABuffer {
        static final io.vertx.core.buffer.Buffer DONE = io.vertx.core.buffer.Buffer.buffer("data: [DONE]\n\n");
    }

    /** GraalVM's class-initialization options, as far as this check needs them. */
    static final class NativeInit {
        private static final Pattern RUN_TIME = Pattern.compile("--initialize-at-run-time=(\\S+)");
        private static final Set<String> LOADS = Set.of("java/lang/System.load", "java/lang/System.loadLibrary",
                "java/lang/Runtime.load", "java/lang/Runtime.loadLibrary");

        static void addRunTime(String args, Set<String> out) {
            Matcher m = RUN_TIME.matcher(args);
            while (m.find()) {
                for (String name : m.group(1).split(",")) {
                    if (!name.isBlank()) {
                        out.add(name.strip());
                    }
                }
            }
        }

        /** A class is initialized at run time when it, or a package it is in, is listed. */
        static boolean matches(Set<String> runTime, String className) {
            for (String prefix = className; ; prefix = prefix.substring(0, prefix.lastIndexOf('.'))) {
                if (runTime.contains(prefix)) {
                    return true;
                }
                if (prefix.indexOf('.') < 0) {
                    return false;
                }
            }
        }

        /**
         * Classes of {@code jars} whose static initializer reaches System.load/loadLibrary through the jars' code
         * (calls followed to the method the call names; an inherited one is not looked up).
         */
        static Set<String> classesLoadingNativeCodeInClinit(List<Path> jars) throws IOException {
            Map<String, MethodNode> methods = new java.util.HashMap<>();
            List<ClassNode> classes = new ArrayList<>();
            for (Path jar : jars) {
                classes.addAll(NativeBytecode.classesIn(jar));
            }
            for (ClassNode c : classes) {
                c.methods.forEach(m -> methods.put(c.name + "." + m.name + m.desc, m));
            }
            Set<String> out = new TreeSet<>();
            for (ClassNode c : classes) {
                MethodNode clinit = methods.get(c.name + ".<clinit>()V");
                if (clinit != null && NativeBytecode.reaches(clinit, methods, LOADS)) {
                    out.add(Type.getObjectType(c.name).getClassName());
                }
            }
            return out;
        }
    }

    /** What a native image heap refuses from build-time initialization. */
    static final class ImageHeap {
        private static final Set<String> REFUSED = Set.of("io.vertx.core.buffer.Buffer", "io.netty.buffer.ByteBuf",
                "io.netty.buffer.ByteBufAllocator", "java.lang.Thread", "java.util.Random", "java.util.SplittableRandom");

        static List<String> refusedStatics(ClassNode c) {
            List<String> out = new ArrayList<>();
            c.fields.stream().filter(f -> (f.access & org.objectweb.asm.Opcodes.ACC_STATIC) != 0).forEach(f -> {
                Type t = Type.getType(f.desc);
                if (t.getSort() == Type.OBJECT) {
                    for (String refused : REFUSED) {
                        if (NativeBytecode.isSubtype(t.getClassName(), refused)) {
                            out.add(Type.getObjectType(c.name).getClassName() + "." + f.name + " holds a " + refused);
                        }
                    }
                }
            });
            return out;
        }
    }
}
