package dev.understudy.chat;

import io.quarkus.runtime.annotations.RegisterForReflection;

/** One piece of message content: text or an image. */
@RegisterForReflection
public sealed interface Part {

    record Text(String text) implements Part {
    }

    /**
     * An image, either by URL or inline. For inline images {@code url} is null and
     * {@code mediaType}/{@code base64} are set; {@code detail} is OpenAI's hint ("low", "high", "auto").
     */
    record Image(String url, String mediaType, String base64, String detail) implements Part {

        /** Parses an OpenAI {@code image_url.url}, which may be a {@code data:} URL. */
        public static Image fromUrl(String url, String detail) {
            if (url != null && url.startsWith("data:")) {
                int semi = url.indexOf(';');
                int comma = url.indexOf(',');
                if (semi > 5 && comma > semi && url.substring(semi, comma).contains("base64")) {
                    return new Image(null, url.substring(5, semi), url.substring(comma + 1), detail);
                }
            }
            return new Image(url, null, null, detail);
        }

        /** The image as an OpenAI {@code image_url.url} value (a data URL for inline images). */
        public String asUrl() {
            return url != null ? url : "data:" + mediaType + ";base64," + base64;
        }
    }
}
