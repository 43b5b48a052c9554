package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** A function call the assistant asked for; {@code arguments} is the JSON text of the arguments. */
@RegisterForReflection
public record ToolCall(String id, String name, String arguments) {
}
