package dev.understudy.provider.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The request path's own tree reader and writer give what Jackson's ObjectMapper gives. */
class JsonTest {

    private static final List<String> DOCUMENTS = List.of(
            "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hé \\u2603 \\\"q\\\"\"}],\"stream\":false}",
            "{\"a\":1,\"b\":-2147483649,\"c\":123456789012345678901234567890,\"d\":0.7,\"e\":1e300,\"f\":-0.0}",
            "{\"t\":true,\"f\":false,\"n\":null,\"e\":{},\"l\":[],\"nested\":[[1,[2,{\"x\":[3]}]]]}",
            "{\"dup\":1,\"dup\":2}",
            "[1,\"two\",3.5]",
            "\"just text\"",
            "42",
            "{\"a\":1} trailing",
            "   ",
            "");

    @Test
    void readsEveryDocumentAsTheObjectMapperDoes() throws Exception {
        for (String doc : DOCUMENTS) {
            assertEquals(Json.MAPPER.readTree(doc), Json.tree(doc), doc);
            assertEquals(Json.MAPPER.readTree(doc.getBytes(StandardCharsets.UTF_8)),
                    Json.tree(doc.getBytes(StandardCharsets.UTF_8)), doc);
        }
    }

    @Test
    void writesTheBytesTheObjectMapperWrites() throws Exception {
        for (String doc : DOCUMENTS) {
            var tree = Json.MAPPER.readTree(doc);
            if (tree.isMissingNode()) {
                continue;
            }
            assertArrayEquals(Json.MAPPER.writeValueAsBytes(tree), Json.bytes(tree), doc);
            assertArrayEquals(Json.MAPPER.writeValueAsBytes(tree), Json.buffer(tree).getBytes(), doc);
        }
    }

    @Test
    void writesADocumentLongerThanTheGeneratorsBufferWhole() throws Exception {
        var tree = Json.object().put("long", "é\u2603x".repeat(20_000));
        tree.putArray("many").add(1).add("two").add(3.5);
        for (int i = 0; i < 2_000; i++) {
            tree.put("k" + i, i);
        }
        assertArrayEquals(Json.MAPPER.writeValueAsBytes(tree), Json.bytes(tree));
        assertArrayEquals(Json.MAPPER.writeValueAsBytes(Json.object()), Json.bytes(Json.object()));
    }

    @Test
    void failsOnBrokenJsonWithTheParsersOwnError() {
        for (String broken : List.of("{", "{\"a\":", "[1,2", "{\"a\" 1}", "{'a':1}", "[1,]x", "nul")) {
            assertThrows(JsonProcessingException.class, () -> Json.tree(broken), broken);
            assertThrows(JsonProcessingException.class, () -> Json.tree(broken.getBytes(StandardCharsets.UTF_8)),
                    broken);
        }
    }

    @Test
    void refusesNestingDeeperThanTheParsersLimitWithoutOverflowingTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThrows(JsonProcessingException.class, () -> Json.tree(deep));
    }

    @Test
    void readsABuffersOwnBytesInPlaceWhereverTheyStart() throws Exception {
        for (String doc : DOCUMENTS) {
            byte[] bytes = doc.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            io.vertx.core.buffer.Buffer framed = io.vertx.core.buffer.Buffer.buffer("xx" + doc + "yy");
            io.vertx.core.buffer.Buffer inside = framed.slice(2, 2 + bytes.length); // a view with an offset
            assertEquals(Json.MAPPER.readTree(doc), Json.tree(inside), doc);
            assertEquals(Json.MAPPER.readTree(doc), Json.tree(io.vertx.core.buffer.Buffer.buffer(bytes)), doc);
        }
    }
}
