package dev.understudy.provider.mock;

import dev.understudy.chat.ChatChunk;
import dev.understudy.chat.ChatRequest;
import dev.understudy.chat.ChatResponse;
import dev.understudy.chat.Message;
import dev.understudy.chat.Usage;
import dev.understudy.provider.ProviderAdapter;
import dev.understudy.provider.http.HttpErrors;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A simulated provider for the embedded default, demos and game days: configurable latency, failure
 * share and answer, no network. Failures are spread evenly over requests (a failure rate of 0.25 fails
 * every fourth request), so a demo behaves the same every time.
 */
public final class MockAdapter implements ProviderAdapter {

    private final String name;
    private final Duration latency;
    private final double failureRate;
    private final int failureStatus;
    private final String answer;
    private double failureDebt;

    public MockAdapter(String name, Duration latency, double failureRate, int failureStatus, String answer) {
        this.name = name;
        this.latency = latency;
        this.failureRate = Math.max(0, Math.min(1, failureRate));
        this.failureStatus = failureStatus;
        this.answer = answer;
    }

    @Override
    public Uni<ChatResponse> complete(String model, ChatRequest request) {
        return Uni.createFrom().deferred(() -> {
            boolean fail = nextFails();
            Uni<Void> wait = latency.isZero() ? Uni.createFrom().voidItem()
                    : Uni.createFrom().voidItem().onItem().delayIt().by(latency);
            return wait.map(v -> {
                if (fail) {
                    throw failure();
                }
                String text = answerFor(model, request);
                return new ChatResponse(dev.understudy.chat.Ids.completionId(), model,
                        System.currentTimeMillis() / 1000, text, null, "stop", usage(request, text), null);
            });
        });
    }

    @Override
    public Multi<ChatChunk> stream(String model, ChatRequest request) {
        return Multi.createFrom().deferred(() -> {
            if (nextFails()) {
                Uni<ChatChunk> failed = Uni.createFrom().<ChatChunk>failure(failure());
                return latency.isZero() ? failed.toMulti() : failed.onFailure().call(
                        () -> Uni.createFrom().voidItem().onItem().delayIt().by(latency)).toMulti();
            }
            String text = answerFor(model, request);
            List<ChatChunk> chunks = new ArrayList<>();
            for (String word : text.split("(?<= )")) {
                chunks.add(ChatChunk.text(word));
            }
            chunks.add(ChatChunk.finish("stop", usage(request, text)));
            if (latency.isZero()) {
                return Multi.createFrom().iterable(chunks);
            }
            Duration step = latency.dividedBy(Math.max(1, chunks.size()));
            return Multi.createFrom().iterable(chunks).onItem().call(
                    c -> Uni.createFrom().voidItem().onItem().delayIt().by(step));
        });
    }

    /** A mock that always fails is down; any other answers its probe. */
    @Override
    public Uni<Void> probe() {
        return failureRate >= 1 ? Uni.createFrom().failure(failure()) : Uni.createFrom().voidItem();
    }

    @Override
    public boolean supportsPrefill() {
        return true;
    }

    private synchronized boolean nextFails() {
        failureDebt += failureRate;
        if (failureDebt >= 1 - 1e-9) {
            failureDebt -= 1;
            return true;
        }
        return false;
    }

    private RuntimeException failure() {
        return HttpErrors.classify(failureStatus, h -> "retry-after".equals(h) && failureStatus == 429 ? "1" : null,
                "{\"error\":{\"type\":\"mock_failure\",\"message\":\"simulated failure of " + name + "\"}}");
    }

    private String answerFor(String model, ChatRequest request) {
        String full = answer != null ? answer : "This is a simulated answer from " + name + " (" + model + ").";
        if (request.endsWithAssistant()) {
            String prefix = request.messages().get(request.messages().size() - 1).text();
            return full.startsWith(prefix) ? full.substring(prefix.length()) : full;
        }
        return full;
    }

    private static Usage usage(ChatRequest request, String text) {
        int chars = 0;
        for (Message m : request.messages()) {
            chars += m.text().length();
        }
        return new Usage(Math.max(1, chars / 4), Math.max(1, text.split("\\s+").length));
    }
}
