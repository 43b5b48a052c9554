package dev.understudy.cache.similar;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The word lists behind {@link SimilarityGuard}: stop words, units (to a canonical name), number
 * words, well-known proper names that are often typed in lower case, multi-word phrases folded into
 * one token, and opposites. Small on purpose: the guard only needs the words that turn a near miss
 * into a wrong answer.
 */
final class GuardWords {

    private GuardWords() {
    }

    static final Set<String> STOP = Set.of(
            "a", "an", "the", "is", "are", "was", "were", "be", "been", "am", "to", "of", "in", "on", "at", "for",
            "with", "by", "from", "into", "and", "or", "i", "me", "my", "mine", "you", "your", "we", "our", "us",
            "they", "them", "their", "he", "she", "his", "her", "it", "its", "this", "that", "these", "those",
            "do", "does", "did", "done", "can", "could", "should", "would", "will", "shall", "may", "might",
            "must", "how", "what", "what's", "whats", "which", "who", "whom", "whose", "when", "where", "why",
            "there", "here", "please", "tell", "some", "any", "about", "as", "if", "so", "than", "then", "just",
            "also", "get", "getting", "got", "way", "ways", "like", "want", "need", "know", "explain", "define",
            "mean", "means", "meaning", "have", "has", "had", "up", "out", "over", "all", "own", "other", "much",
            "many", "very", "really", "it's", "i'm", "im", "possible", "steps", "step", "tips", "tip",
            "help", "using", "use", "vs", "versus", "between", "whether", "make", "via", "per", "being");

    /** Specific question words: two questions asking "who" and "where" about one thing differ. */
    static final Set<String> SPECIFIC_QUESTION_WORDS = Set.of("who", "when", "where", "why");

    /** Words that give a question a direction: the order of what surrounds them matters. */
    static final Set<String> DIRECTION = Set.of("to", "into", "from", "than", "before", "after", "vs", "versus");

    static final Set<String> NEGATIONS = Set.of("not", "no", "never", "cannot", "can't", "cant", "don't", "dont",
            "doesn't", "doesnt", "didn't", "didnt", "won't", "wont", "isn't", "isnt", "aren't", "arent",
            "wasn't", "wasnt", "shouldn't", "couldn't", "unable", "without", "nothing", "none");

    /** Single words that stand for a number (only "one" needs a unit after it, see the guard). */
    static final Map<String, String> NUMBER_WORDS = Map.ofEntries(
            Map.entry("zero", "0"), Map.entry("one", "1"), Map.entry("two", "2"), Map.entry("three", "3"),
            Map.entry("four", "4"), Map.entry("five", "5"), Map.entry("six", "6"), Map.entry("seven", "7"),
            Map.entry("eight", "8"), Map.entry("nine", "9"), Map.entry("ten", "10"), Map.entry("eleven", "11"),
            Map.entry("twelve", "12"), Map.entry("twenty", "20"), Map.entry("thirty", "30"),
            Map.entry("fifty", "50"), Map.entry("hundred", "100"), Map.entry("thousand", "1000"),
            Map.entry("million", "1000000"), Map.entry("billion", "1000000000"), Map.entry("dozen", "12"),
            Map.entry("twice", "2"), Map.entry("half", "0.5"));

    /** Roman numerals from two on, in capitals ("World War II", "Henry VIII"); "I" is the pronoun. */
    static final Map<String, String> ROMAN = Map.ofEntries(
            Map.entry("II", "2"), Map.entry("III", "3"), Map.entry("IV", "4"), Map.entry("VI", "6"),
            Map.entry("VII", "7"), Map.entry("VIII", "8"), Map.entry("IX", "9"), Map.entry("XI", "11"),
            Map.entry("XII", "12"), Map.entry("XIII", "13"), Map.entry("XIV", "14"), Map.entry("XV", "15"),
            Map.entry("XVI", "16"));

    /** Ranks ("second" is a unit first, and a rank only where nothing is measured). */
    static final Map<String, String> ORDINALS = Map.ofEntries(
            Map.entry("first", "1st"), Map.entry("third", "3rd"), Map.entry("fourth", "4th"),
            Map.entry("fifth", "5th"), Map.entry("sixth", "6th"), Map.entry("seventh", "7th"),
            Map.entry("eighth", "8th"), Map.entry("ninth", "9th"), Map.entry("tenth", "10th"));

    /** Units, currencies and symbols to one canonical name each. */
    static final Map<String, String> UNITS = units();

    /** Units that are only units next to a number or in a text that measures something ("what year"). */
    static final Set<String> SOFT_UNITS = Set.of("second", "minute", "hour", "day", "week", "month", "year",
            "cup", "percent");

    /** Proper names often typed in lower case: countries, cities, languages, platforms, tools. */
    static final Set<String> NAMES = Set.of(
            "france", "germany", "spain", "italy", "portugal", "uk", "england", "scotland", "ireland", "usa",
            "canada", "mexico", "brazil", "argentina", "chile", "peru", "colombia", "china", "japan", "korea",
            "south_korea", "north_korea", "india", "pakistan", "russia", "ukraine", "poland", "netherlands",
            "belgium", "switzerland", "austria", "sweden", "norway", "denmark", "finland", "greece", "turkey",
            "egypt", "nigeria", "kenya", "south_africa", "australia", "new_zealand", "indonesia", "vietnam",
            "thailand", "philippines", "israel", "iran", "iraq", "saudi_arabia", "europe", "asia", "africa",
            "america", "antarctica", "oceania", "paris", "london", "berlin", "munich", "madrid", "barcelona",
            "rome", "milan", "lisbon", "amsterdam", "brussels", "vienna", "zurich", "geneva", "stockholm",
            "oslo", "copenhagen", "helsinki", "dublin", "prague", "warsaw", "moscow", "kyiv", "istanbul",
            "athens", "cairo", "lagos", "nairobi", "tokyo", "osaka", "kyoto", "beijing", "shanghai",
            "hong_kong", "seoul", "delhi", "mumbai", "bangalore", "singapore", "bangkok", "sydney",
            "melbourne", "toronto", "vancouver", "montreal", "new_york", "los_angeles", "san_francisco",
            "chicago", "boston", "seattle", "miami", "dubai", "english", "french", "german", "spanish",
            "italian", "portuguese", "chinese", "mandarin", "japanese", "korean", "russian", "arabic", "hindi",
            "dutch", "python", "java", "javascript", "typescript", "kotlin", "scala", "rust", "golang",
            "c++", "c#", "ruby", "php", "perl", "haskell", "sql", "html", "css", "bash", "powershell",
            "git", "github", "gitlab", "docker", "kubernetes", "linux", "ubuntu", "debian", "windows", "macos",
            "mac", "ios", "android", "iphone", "ipad", "excel", "chrome", "firefox", "safari", "aws",
            "azure", "gcp", "npm", "maven", "gradle", "pip", "angular", "vue", "quarkus",
            "postgres", "postgresql", "mysql", "redis", "mongodb", "kafka", "vim", "emacs", "node.js", "nodejs");

    /** Short or long spellings of one name, to the one the guard compares. */
    static final Map<String, String> ALIASES = Map.ofEntries(
            Map.entry("js", "javascript"), Map.entry("ts", "typescript"), Map.entry("golang", "go"),
            Map.entry("postgres", "postgresql"), Map.entry("psql", "postgresql"), Map.entry("k8s", "kubernetes"),
            Map.entry("node.js", "node"), Map.entry("nodejs", "node"), Map.entry("macos", "mac"),
            Map.entry("osx", "mac"), Map.entry("py", "python"));

    /** {@link #NAMES} as the guard compares them: aliased and stemmed. */
    static final Set<String> KNOWN_NAMES = NAMES.stream()
            .map(n -> QuestionParts.stem(ALIASES.getOrDefault(n, n))).collect(java.util.stream.Collectors.toUnmodifiableSet());

    /** Multi-word phrases folded into one token before anything else. */
    static final Map<String, String> PHRASES = Map.ofEntries(
            Map.entry("turn on", "enable"), Map.entry("switch on", "enable"), Map.entry("turn off", "disable"),
            Map.entry("switch off", "disable"), Map.entry("log in", "login"), Map.entry("sign in", "login"),
            Map.entry("log on", "login"), Map.entry("log out", "logout"), Map.entry("sign out", "logout"),
            Map.entry("log off", "logout"), Map.entry("sign up", "register"),
            Map.entry("united states", "usa"), Map.entry("united kingdom", "uk"),
            Map.entry("great britain", "uk"), Map.entry("new york", "new_york"),
            Map.entry("los angeles", "los_angeles"), Map.entry("san francisco", "san_francisco"),
            Map.entry("hong kong", "hong_kong"), Map.entry("new zealand", "new_zealand"),
            Map.entry("south africa", "south_africa"), Map.entry("south korea", "south_korea"),
            Map.entry("north korea", "north_korea"), Map.entry("saudi arabia", "saudi_arabia"),
            Map.entry("degrees celsius", "°c"), Map.entry("degrees fahrenheit", "°f"),
            Map.entry("degrees centigrade", "°c"), Map.entry("us dollars", "usd"), Map.entry("u.s.", "usa"),
            Map.entry("most recent", "latest"), Map.entry("fl oz", "fl_oz"), Map.entry("fluid ounces", "fl_oz"));

    /**
     * Opposites: each entry is two groups of words (with their near synonyms); a question with a
     * word of one group and none of the other never matches one the other way round.
     */
    static final List<Set<String>[]> OPPOSITES = List.of(
            pair(Set.of("increase", "raise", "grow", "more", "higher", "extend", "expand"),
                    Set.of("decrease", "reduce", "lower", "shrink", "less", "fewer")),
            pair(Set.of("add", "create", "insert", "append", "attach"), Set.of("remove", "delete", "drop", "detach")),
            pair(Set.of("enable", "activate", "allow", "unblock", "unmute"),
                    Set.of("disable", "deactivate", "block", "deny", "mute")),
            pair(Set.of("min", "minimum", "smallest", "lowest", "least", "shortest", "cheapest", "fewest"),
                    Set.of("max", "maximum", "largest", "biggest", "highest", "most", "longest", "tallest")),
            pair(Set.of("before", "earlier", "previous", "prev"), Set.of("after", "later", "next")),
            pair(Set.of("next", "upcoming"), Set.of("last", "previous")),
            pair(Set.of("all", "every", "each"), Set.of("one", "single")),
            pair(Set.of("true", "yes"), Set.of("false")),
            pair(Set.of("encrypt", "encode", "compress", "zip", "serialize"),
                    Set.of("decrypt", "decode", "decompress", "unzip", "deserialize")),
            pair(Set.of("install"), Set.of("uninstall")),
            pair(Set.of("upgrade"), Set.of("downgrade")),
            pair(Set.of("upload"), Set.of("download")),
            pair(Set.of("start", "begin", "began", "started", "open", "opened"),
                    Set.of("end", "ended", "stop", "finish", "finished", "close", "closed")),
            pair(Set.of("login"), Set.of("logout")),
            pair(Set.of("read"), Set.of("write")),
            pair(Set.of("lock"), Set.of("unlock")),
            pair(Set.of("subscribe"), Set.of("unsubscribe")),
            pair(Set.of("follow"), Set.of("unfollow")),
            pair(Set.of("hide"), Set.of("show", "unhide")),
            pair(Set.of("buy", "purchase"), Set.of("sell")),
            pair(Set.of("import"), Set.of("export")),
            pair(Set.of("push"), Set.of("pull")),
            pair(Set.of("first", "oldest", "earliest"), Set.of("last", "latest", "newest", "youngest")),
            pair(Set.of("soft"), Set.of("hard")),
            pair(Set.of("hot", "warm"), Set.of("cold", "cool")),
            pair(Set.of("fast", "faster", "quick", "quicker"), Set.of("slow", "slower")),
            pair(Set.of("positive"), Set.of("negative")),
            pair(Set.of("upper", "uppercase"), Set.of("lower", "lowercase")),
            pair(Set.of("north"), Set.of("south")),
            pair(Set.of("east"), Set.of("west")),
            pair(Set.of("black"), Set.of("white")),
            pair(Set.of("input"), Set.of("output")),
            pair(Set.of("accept", "approve"), Set.of("reject", "decline", "declined", "refuse")),
            pair(Set.of("win", "won"), Set.of("lose", "lost")),
            pair(Set.of("pros", "advantages", "benefits"), Set.of("cons", "disadvantages", "drawbacks")));

    @SuppressWarnings("unchecked")
    private static Set<String>[] pair(Set<String> one, Set<String> other) {
        return new Set[] {one, other};
    }

    private static Map<String, String> units() {
        Map<String, String> m = new HashMap<>();
        put(m, "km", "km", "kms", "kilometer", "kilometers", "kilometre", "kilometres");
        put(m, "mile", "mi", "mile", "miles");
        put(m, "m", "meter", "meters", "metre", "metres");
        put(m, "cm", "cm", "centimeter", "centimeters", "centimetre", "centimetres");
        put(m, "mm", "mm", "millimeter", "millimeters", "millimetre", "millimetres");
        put(m, "ft", "ft", "foot", "feet");
        put(m, "inch", "inch", "inches");
        put(m, "yard", "yd", "yds", "yard", "yards");
        put(m, "kg", "kg", "kgs", "kilo", "kilos", "kilogram", "kilograms", "kilogramme", "kilogrammes");
        put(m, "g", "gram", "grams", "gramme", "grammes");
        put(m, "mg", "mg", "milligram", "milligrams");
        put(m, "lb", "lb", "lbs", "pound", "pounds");
        put(m, "oz", "oz", "ounce", "ounces");
        put(m, "fl_oz", "fl_oz");
        put(m, "stone", "stone", "stones");
        put(m, "ton", "ton", "tons", "tonne", "tonnes");
        put(m, "l", "liter", "liters", "litre", "litres");
        put(m, "ml", "ml", "milliliter", "milliliters", "millilitre", "millilitres");
        put(m, "gallon", "gal", "gallon", "gallons");
        put(m, "pint", "pint", "pints");
        put(m, "quart", "quart", "quarts");
        put(m, "cup", "cup", "cups");
        put(m, "tbsp", "tbsp", "tablespoon", "tablespoons");
        put(m, "tsp", "tsp", "teaspoon", "teaspoons");
        put(m, "°c", "°c", "celsius", "centigrade");
        put(m, "°f", "°f", "fahrenheit");
        put(m, "kelvin", "kelvin", "kelvins");
        put(m, "mph", "mph");
        put(m, "kmh", "kmh", "kph", "km/h");
        put(m, "knot", "knot", "knots");
        put(m, "acre", "acre", "acres");
        put(m, "hectare", "ha", "hectare", "hectares");
        put(m, "usd", "usd", "$", "dollar", "dollars", "buck", "bucks");
        put(m, "eur", "eur", "€", "euro", "euros");
        put(m, "gbp", "gbp", "£", "sterling", "quid");
        put(m, "jpy", "jpy", "¥", "yen");
        put(m, "inr", "inr", "rupee", "rupees");
        put(m, "cad", "cad");
        put(m, "aud", "aud");
        put(m, "chf", "chf", "franc", "francs");
        put(m, "cny", "cny", "rmb", "yuan");
        put(m, "btc", "btc", "bitcoin", "bitcoins");
        put(m, "byte", "byte", "bytes");
        put(m, "bit", "bit", "bits");
        put(m, "kb", "kb", "kilobyte", "kilobytes");
        put(m, "mb", "mb", "megabyte", "megabytes");
        put(m, "gb", "gb", "gigabyte", "gigabytes");
        put(m, "tb", "tb", "terabyte", "terabytes");
        put(m, "second", "sec", "secs", "second", "seconds");
        put(m, "minute", "mins", "minute", "minutes");
        put(m, "hour", "hrs", "hour", "hours");
        put(m, "day", "day", "days");
        put(m, "week", "week", "weeks");
        put(m, "month", "month", "months");
        put(m, "year", "year", "years");
        put(m, "percent", "%", "percent", "percentage");
        put(m, "calorie", "calorie", "calories", "kcal");
        put(m, "joule", "joule", "joules");
        put(m, "watt", "watt", "watts");
        put(m, "kw", "kw", "kilowatt", "kilowatts");
        put(m, "kwh", "kwh");
        put(m, "volt", "volt", "volts");
        put(m, "ampere", "amp", "amps", "ampere", "amperes");
        return Map.copyOf(m);
    }

    private static void put(Map<String, String> m, String canonical, String... spellings) {
        for (String s : spellings) {
            m.put(s, canonical);
        }
    }
}
