package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;

/**
 * Native image readiness of the gateway's own code, read from its bytecode (target/classes): every
 * class that Jackson data-binds (readValue, convertValue, treeToValue, valueToTree, writeValue..., and
 * Vert.x mapTo/mapFrom/decodeValue) is registered for reflection, and there is no other reflective call
 * (Class.forName, getDeclared..., Proxy) that nobody has reviewed. A native image would otherwise fail
 * at run time on exactly these calls. The tree model (JsonNode) needs no registration.
 */
class NativeReadinessTest {

    private static final Path CLASSES = Tools.PROJECT.resolve("target/classes");
    private static final String REGISTER = "Lio/quarkus/runtime/annotations/RegisterForReflection;";
    private static final Set<String> DATABIND_OWNERS = Set.of("com/fasterxml/jackson/databind/ObjectMapper",
            "com/fasterxml/jackson/databind/ObjectReader", "com/fasterxml/jackson/databind/ObjectWriter",
            "io/vertx/core/json/JsonObject", "io/vertx/core/json/JsonArray", "io/vertx/core/json/Json");
    private static final Set<String> DATABIND_METHODS = Set.of("readValue", "readValues", "convertValue",
            "treeToValue", "valueToTree", "updateValue", "writeValue", "writeValueAsString", "writeValueAsBytes",
            "readerFor", "writerFor", "forType", "mapTo", "mapFrom", "decodeValue", "encode", "encodePrettily");
    private static final Set<String> REFLECTION = Set.of("java/lang/Class.forName",
            "java/lang/Class.getDeclaredConstructor", "java/lang/Class.getDeclaredConstructors",
            "java/lang/Class.getDeclaredMethod", "java/lang/Class.getDeclaredMethods",
            "java/lang/Class.getDeclaredField", "java/lang/Class.getDeclaredFields", "java/lang/Class.getMethod",
            "java/lang/Class.getMethods", "java/lang/Class.getField", "java/lang/Class.getFields",
            "java/lang/Class.getConstructor", "java/lang/Class.newInstance",
            "java/lang/reflect/Proxy.newProxyInstance");
    /**
     * Reflective calls looked at by a person, with why they are safe in a native image
     * ("Class.method → owner.name": reason). Add one only with its registration in place.
     */
    private static final Map<String, String> REVIEWED = Map.of();

    @Test
    void everyDataBoundClassIsRegisteredForReflection() throws Exception {
        List<ClassNode> classes = mainClasses();
        Set<String> registered = registered(classes);
        List<String> problems = new ArrayList<>();
        for (ClassNode c : classes) {
            for (MethodNode m : c.methods) {
                Frame<BasicValue>[] frames = null;
                for (AbstractInsnNode insn : m.instructions) {
                    if (!(insn instanceof MethodInsnNode call) || !DATABIND_OWNERS.contains(call.owner)
                            || !DATABIND_METHODS.contains(call.name)) {
                        continue;
                    }
                    // A Class argument: the class literal loaded for this call.
                    for (Type arg : Type.getArgumentTypes(call.desc)) {
                        if (arg.getInternalName().equals("java/lang/Class")) {
                            Type literal = lastClassLiteral(insn);
                            if (literal != null && needsRegistration(literal) && !registered.contains(literal.getInternalName())) {
                                problems.add(where(c, m) + " binds " + literal.getClassName() + " with Jackson, unregistered");
                            }
                        }
                    }
                    // An Object argument (writeValue..., valueToTree, convertValue): its static type.
                    if (Type.getArgumentTypes(call.desc).length > 0 && List.of(Type.getArgumentTypes(call.desc))
                            .contains(Type.getType(Object.class))) {
                        frames = frames != null ? frames : analyse(c, m);
                        Type value = objectArgument(frames, m, insn, call);
                        if (value != null && needsRegistration(value) && !registered.contains(value.getInternalName())) {
                            problems.add(where(c, m) + " serialises " + value.getClassName() + " with Jackson, unregistered");
                        }
                    }
                }
            }
        }
        assertThat(problems).as("data-bound classes without @RegisterForReflection (native image would fail)").isEmpty();
    }

    @Test
    void noReflectiveCallGoesUnreviewed() throws Exception {
        Set<String> found = new TreeSet<>();
        for (ClassNode c : mainClasses()) {
            for (MethodNode m : c.methods) {
                for (AbstractInsnNode insn : m.instructions) {
                    if (insn instanceof MethodInsnNode call && REFLECTION.contains(call.owner + "." + call.name)) {
                        String key = Type.getObjectType(call.owner).getClassName() + "." + call.name + " → "
                                + where(c, m);
                        if (!REVIEWED.containsKey(key)) {
                            found.add(key);
                        }
                    }
                }
            }
        }
        assertThat(found).as("reflective calls in the gateway's code: register their targets for reflection "
                + "and list them in REVIEWED").isEmpty();
    }

    @Test
    void theRegisteredClassesAreTheOnesThatTravelAsJson() throws Exception {
        // The canonical chat records are what a future data-binding path would carry; they are registered.
        assertThat(registered(mainClasses())).contains("dev/understudy/chat/ChatRequest", "dev/understudy/chat/ChatResponse",
                "dev/understudy/chat/ChatChunk", "dev/understudy/chat/Message", "dev/understudy/chat/Usage");
    }

    private static List<ClassNode> mainClasses() throws IOException {
        assertThat(CLASSES).as("compiled main classes").isDirectory();
        List<ClassNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    ClassNode node = new ClassNode();
                    new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
                    out.add(node);
                }
            }
        }
        assertThat(out).as("classes under %s", CLASSES).isNotEmpty();
        return out;
    }

    /** Classes annotated @RegisterForReflection, and those named in its targets/classNames. */
    private static Set<String> registered(List<ClassNode> classes) {
        Set<String> out = new TreeSet<>();
        for (ClassNode c : classes) {
            for (AnnotationNode a : annotations(c)) {
                if (!REGISTER.equals(a.desc)) {
                    continue;
                }
                boolean hasTargets = false;
                for (int i = 0; a.values != null && i < a.values.size(); i += 2) {
                    String name = (String) a.values.get(i);
                    Object value = a.values.get(i + 1);
                    if ("targets".equals(name) && value instanceof List<?> types) {
                        types.forEach(t -> out.add(((Type) t).getInternalName()));
                        hasTargets = !types.isEmpty();
                    } else if ("classNames".equals(name) && value instanceof List<?> names) {
                        names.forEach(n -> out.add(((String) n).replace('.', '/')));
                        hasTargets = hasTargets || !names.isEmpty();
                    }
                }
                if (!hasTargets) {
                    out.add(c.name);
                }
            }
        }
        return out;
    }

    private static List<AnnotationNode> annotations(ClassNode c) {
        List<AnnotationNode> all = new ArrayList<>();
        if (c.visibleAnnotations != null) {
            all.addAll(c.visibleAnnotations);
        }
        if (c.invisibleAnnotations != null) {
            all.addAll(c.invisibleAnnotations);
        }
        return all;
    }

    /** JDK types and Jackson's tree model travel without registration. */
    private static boolean needsRegistration(Type t) {
        if (t.getSort() != Type.OBJECT) {
            return false;
        }
        String n = t.getInternalName();
        return !n.startsWith("java/") && !n.startsWith("com/fasterxml/jackson/databind/node/")
                && !n.equals("com/fasterxml/jackson/databind/JsonNode") && !n.startsWith("io/vertx/core/json/")
                && !n.startsWith("io/vertx/core/buffer/");
    }

    private static Type lastClassLiteral(AbstractInsnNode from) {
        for (AbstractInsnNode i = from.getPrevious(); i != null; i = i.getPrevious()) {
            if (i instanceof LdcInsnNode ldc && ldc.cst instanceof Type t && t.getSort() == Type.OBJECT) {
                return t;
            }
            if (i instanceof MethodInsnNode) {
                return null; // the Class came from elsewhere (a field, a parameter): nothing to resolve statically
            }
        }
        return null;
    }

    @SuppressWarnings("unchecked")
    private static Frame<BasicValue>[] analyse(ClassNode c, MethodNode m) throws AnalyzerException {
        SimpleVerifier verifier = new SimpleVerifier(Type.getObjectType(c.name),
                c.superName == null ? null : Type.getObjectType(c.superName),
                c.interfaces.stream().map(Type::getObjectType).toList(), (c.access & Opcodes.ACC_INTERFACE) != 0);
        verifier.setClassLoader(NativeReadinessTest.class.getClassLoader());
        return new Analyzer<>(verifier).analyze(c.name, m);
    }

    /** The static type of the first Object-typed argument of {@code call}, from the frame before it. */
    private static Type objectArgument(Frame<BasicValue>[] frames, MethodNode m, AbstractInsnNode insn, MethodInsnNode call) {
        Frame<BasicValue> f = frames[m.instructions.indexOf(insn)];
        if (f == null) {
            return null;
        }
        Type[] args = Type.getArgumentTypes(call.desc);
        int top = f.getStackSize();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(Type.getType(Object.class))) {
                BasicValue v = f.getStack(top - args.length + i);
                return v == null ? null : v.getType();
            }
        }
        return null;
    }

    private static String where(ClassNode c, MethodNode m) {
        return Type.getObjectType(c.name).getClassName() + "." + m.name;
    }
}
