package dev.understudy.chat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Folds streamed chunks into one complete {@link ChatResponse} (text, tool calls, finish, usage). */
public final class ChunkAccumulator {

    private final StringBuilder text = new StringBuilder();
    private final Map<Integer, String[]> calls = new TreeMap<>(); // index -> {id, name, arguments}
    private String finishReason;
    private Usage usage;

    public void add(ChatChunk c) {
        if (c.text() != null) {
            text.append(c.text());
        }
        if (c.toolCalls() != null) {
            for (ChatChunk.ToolCallDelta d : c.toolCalls()) {
                String[] call = calls.computeIfAbsent(d.index(), i -> new String[] {null, null, ""});
                if (d.id() != null) {
                    call[0] = d.id();
                }
                if (d.name() != null) {
                    call[1] = d.name();
                }
                if (d.arguments() != null) {
                    call[2] += d.arguments();
                }
            }
        }
        if (c.finishReason() != null) {
            finishReason = c.finishReason();
        }
        if (c.usage() != null) {
            usage = c.usage();
        }
    }

    public boolean finished() {
        return finishReason != null;
    }

    public ChatResponse toResponse(String id, String model, long created) {
        List<ToolCall> toolCalls = null;
        if (!calls.isEmpty()) {
            toolCalls = new ArrayList<>(calls.size());
            for (String[] c : calls.values()) {
                toolCalls.add(new ToolCall(c[0], c[1], c[2]));
            }
        }
        return new ChatResponse(id, model, created, text.isEmpty() && toolCalls != null ? null : text.toString(),
                toolCalls, finishReason, usage, null);
    }
}
