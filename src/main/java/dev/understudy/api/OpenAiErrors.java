package dev.understudy.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.understudy.provider.json.Json;

/** The OpenAI error shape: {@code {"error":{"message","type","param","code"}}}. */
public final class OpenAiErrors {

    private OpenAiErrors() {
    }

    public static ObjectNode body(String message, String type, String code, String param) {
        ObjectNode root = Json.object();
        ObjectNode error = root.putObject("error").put("message", message).put("type", type);
        if (param == null) {
            error.putNull("param");
        } else {
            error.put("param", param);
        }
        if (code == null) {
            error.putNull("code");
        } else {
            error.put("code", code);
        }
        return root;
    }

    /** The OpenAI error type that goes with an HTTP status. */
    public static String typeFor(int status) {
        return switch (status) {
            case 400, 404, 413, 422 -> "invalid_request_error";
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "server_error" : "invalid_request_error";
        };
    }
}
