package dev.understudy.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.runtime.annotations.RegisterForReflection;

/** A function the model may call; {@code parameters} is a JSON schema. */
@RegisterForReflection
public record Tool(String name, String description, JsonNode parameters, Boolean strict) {
}
