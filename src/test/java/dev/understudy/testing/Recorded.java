package dev.understudy.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** One request received by a {@link FakeProvider}. Header names are case-insensitive. */
public record Recorded(String method, String path, Map<String, String> headers, String body) {

    static final ObjectMapper MAPPER = new ObjectMapper();

    public Recorded {
        TreeMap<String, String> copy = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        copy.putAll(headers);
        headers = Collections.unmodifiableMap(copy);
    }

    /** Header value (repeated headers joined with ", "), or null. */
    public String header(String name) {
        return headers.get(name);
    }

    /** The body parsed as JSON (a MissingNode when the body is empty). */
    public JsonNode json() {
        try {
            return MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("request body is not JSON: " + body, e);
        }
    }
}
