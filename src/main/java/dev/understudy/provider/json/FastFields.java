package dev.understudy.provider.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * For readers that pick the fields they need from a streaming parser and leave any shape they do not take as it
 * is to a tree reader, so that the two cannot disagree: each helper reads a value as the tree reader would, or
 * throws {@link Unusual}. A field given twice is unusual too (a tree keeps the last one): {@link #once}.
 */
public final class FastFields {

    /** Not the everyday shape: read the document as a tree instead. Carries no stack trace; one instance. */
    public static final class Unusual extends Exception {
        public static final Unusual INSTANCE = new Unusual();

        private Unusual() {
            super(null, null, false, false);
        }
    }

    private FastFields() {
    }

    /** {@code seen} with {@code bit} set; unusual if it was set already (the field came twice). */
    public static int once(int seen, int bit) throws Unusual {
        if ((seen & bit) != 0) {
            throw Unusual.INSTANCE;
        }
        return seen | bit;
    }

    /** A string, or null for null, as {@code Json.text} reads it from a tree; other types are unusual. */
    public static String text(JsonParser p, JsonToken t) throws IOException, Unusual {
        return switch (t) {
            case VALUE_STRING -> p.getText();
            case VALUE_NULL -> null;
            default -> throw Unusual.INSTANCE;
        };
    }

    /** A string; anything else (null included) is unusual. */
    public static String string(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.VALUE_STRING) {
            throw Unusual.INSTANCE;
        }
        return p.getText();
    }

    /** A whole number that fits an int, as the tree's {@code asInt} reads it; anything else is unusual. */
    public static int count(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.VALUE_NUMBER_INT || p.getNumberType() != JsonParser.NumberType.INT) {
            throw Unusual.INSTANCE;
        }
        return p.getIntValue();
    }

    /**
     * At {@code t}, the start of an array of objects: true with the parser inside its first element, false for an
     * empty array; anything else is unusual. Read the element's fields, then {@link #skipRestOfArray}.
     */
    public static boolean firstObject(JsonParser p, JsonToken t) throws IOException, Unusual {
        if (t != JsonToken.START_ARRAY) {
            throw Unusual.INSTANCE;
        }
        JsonToken first = p.nextToken();
        if (first == JsonToken.END_ARRAY) {
            return false;
        }
        if (first != JsonToken.START_OBJECT) {
            throw Unusual.INSTANCE;
        }
        return true;
    }

    /** Skips what is left of an array whose first element was read; a document cut short is unusual. */
    public static void skipRestOfArray(JsonParser p) throws IOException, Unusual {
        for (JsonToken rest = p.nextToken(); rest != JsonToken.END_ARRAY; rest = p.nextToken()) {
            if (rest == null) {
                throw Unusual.INSTANCE;
            }
            p.skipChildren();
        }
    }
}
