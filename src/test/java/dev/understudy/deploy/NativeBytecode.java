package dev.understudy.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;

/** Reading bytecode with ASM for the native-image checks: nothing here loads or initializes a class. */
final class NativeBytecode {

    private NativeBytecode() {
    }

    static List<ClassNode> classesUnder(Path dir) throws IOException {
        List<ClassNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                try (InputStream in = Files.newInputStream(f)) {
                    out.add(read(in));
                }
            }
        }
        assertThat(out).as("classes under %s", dir).isNotEmpty();
        return out;
    }

    static List<ClassNode> classesIn(Path jar) throws IOException {
        List<ClassNode> out = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            for (JarEntry e : file.stream().filter(e -> e.getName().endsWith(".class")
                    && !e.getName().startsWith("META-INF/")).toList()) {
                try (InputStream in = file.getInputStream(e)) {
                    out.add(read(in));
                }
            }
        }
        return out;
    }

    static ClassNode read(InputStream in) throws IOException {
        ClassNode node = new ClassNode();
        new ClassReader(in).accept(node, ClassReader.SKIP_FRAMES);
        return node;
    }

    /** The class file of a (dotted) class name from the test class path, or null. */
    static ClassNode classNamed(String name) throws IOException {
        try (InputStream in = NativeBytecode.class.getClassLoader()
                .getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? null : read(in);
        }
    }

    static boolean isSubtype(String className, String of) {
        try {
            ClassLoader loader = NativeBytecode.class.getClassLoader();
            return Class.forName(of, false, loader).isAssignableFrom(Class.forName(className, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Whether {@code from} calls one of {@code targets} ("owner.name"), through methods of {@code methods}. */
    static boolean reaches(MethodNode from, Map<String, MethodNode> methods, Set<String> targets) {
        Set<MethodNode> seen = new HashSet<>();
        ArrayDeque<MethodNode> todo = new ArrayDeque<>(List.of(from));
        while (!todo.isEmpty()) {
            MethodNode m = todo.pop();
            if (!seen.add(m)) {
                continue;
            }
            for (var insn : m.instructions) {
                if (insn instanceof MethodInsnNode call) {
                    if (targets.contains(call.owner + "." + call.name)) {
                        return true;
                    }
                    MethodNode next = methods.get(call.owner + "." + call.name + call.desc);
                    if (next != null) {
                        todo.push(next);
                    }
                }
            }
        }
        return false;
    }

    /** The JVM descriptor prefix "(...)" of GraalVM metadata parameter types ("long", "java.lang.String[]"). */
    static String descriptorOf(JsonNode parameterTypes) {
        StringBuilder out = new StringBuilder("(");
        for (JsonNode p : parameterTypes) {
            String t = p.asText();
            int dims = 0;
            while (t.endsWith("[]")) {
                t = t.substring(0, t.length() - 2);
                dims++;
            }
            out.append("[".repeat(dims)).append(switch (t) {
                case "boolean" -> "Z";
                case "byte" -> "B";
                case "char" -> "C";
                case "short" -> "S";
                case "int" -> "I";
                case "long" -> "J";
                case "float" -> "F";
                case "double" -> "D";
                default -> "L" + t.replace('.', '/') + ";";
            });
        }
        return out.append(')').toString();
    }

    static List<AnnotationNode> annotations(List<AnnotationNode> visible, List<AnnotationNode> invisible) {
        List<AnnotationNode> all = new ArrayList<>();
        if (visible != null) {
            all.addAll(visible);
        }
        if (invisible != null) {
            all.addAll(invisible);
        }
        return all;
    }

    static boolean annotated(List<AnnotationNode> annotations, String desc) {
        return annotations != null && annotations.stream().anyMatch(a -> a.desc.equals(desc));
    }

    static String annotationValue(List<AnnotationNode> annotations, String desc, String key) {
        if (annotations == null) {
            return null;
        }
        for (AnnotationNode a : annotations) {
            for (int i = 0; a.desc.equals(desc) && a.values != null && i < a.values.size(); i += 2) {
                if (key.equals(a.values.get(i))) {
                    return (String) a.values.get(i + 1);
                }
            }
        }
        return null;
    }
}
