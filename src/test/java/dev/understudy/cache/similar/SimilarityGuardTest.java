package dev.understudy.cache.similar;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SimilarityGuardTest {

    @Test
    void refusesTheClassicNearMisses() {
        assertThat(SimilarityGuard.compatible("convert 5 miles to km", "convert 5 km to miles")).isFalse();
        assertThat(SimilarityGuard.compatible("capital of France", "capital of Germany")).isFalse();
        assertThat(SimilarityGuard.compatible("what is the capital of france", "what is the capital of germany")).isFalse();
    }

    @Test
    void acceptsTheClassicParaphrases() {
        assertThat(SimilarityGuard.compatible("convert 5 miles to km", "how many kilometers is 5 miles")).isTrue();
        assertThat(SimilarityGuard.compatible("capital of France", "What's the capital city of France?")).isTrue();
    }

    @ParameterizedTest(name = "accepts \"{0}\" for \"{1}\"")
    @CsvSource(delimiter = '|', value = {
        "How do I reset my password?|I forgot my password. How can I reset it?",
        "How do I enable two-factor authentication?|How can I turn on two-factor authentication?",
        "I can't log in to my account|I am unable to sign in to my account",
        "100 Fahrenheit to Celsius|convert 100 °F to °C",
        "convert 20 USD to EUR|how much is 20 dollars in euros",
        "how many grams in a kilogram|how many grams are in 1 kg",
        "How many ounces in a pound?|how many oz are in one pound",
        "10 kg in pounds|convert 10 kilograms to lbs",
        "How many states are in the USA?|How many states does the United States have?",
        "When did World War II end?|What year did World War II end?",
        "How do I undo the last git commit?|How can I revert my most recent commit in git?",
        "How do I center a div in CSS?|Centering a div with CSS",
        "What is the difference between a process and a thread?|How does a thread differ from a process?",
        "convert 5km to miles|Convert 5 kilometres to miles!",
        "How many ml in a teaspoon?|teaspoon to milliliters",
        "What is 1 mile in meters?|how many metres are in a mile",
        "How many square feet in an acre?|acre to square feet",
        "What does it mean when my cat purrs?|Why do cats purr?",
        "What are your opening hours on Sunday?|When are you open on Sundays?",
        "I'm running Postgres 15. How do I list all databases?|How can I see all the databases in PostgreSQL 15?",
        "How do I add an element to an array in JavaScript?|Append an item to a JS array",
        "What is a null pointer exception?|What does NullPointerException mean?",
        "What is the GDP?|What does gross domestic product mean?",
        "Which is better for beginners, Python or JavaScript?|Should a beginner learn Python or JavaScript first?",
        "How far is the Moon from the Earth?|What is the distance between the Earth and the Moon?",
    })
    void acceptsParaphrases(String query, String cached) {
        assertThat(SimilarityGuard.refusal(query, cached)).isEmpty();
    }

    @ParameterizedTest(name = "refuses \"{0}\" for \"{1}\": {2}")
    @CsvSource(delimiter = '|', value = {
        "convert 5 miles to km|convert 50 miles to km|different numbers",
        "How do I add a printer in Windows 11?|How do I add a printer in Windows 10?|different numbers",
        "convert five miles to km|convert 6 miles to km|different numbers",
        "How many ounces in a pound?|How many ounces in a cup?|different units",
        "convert 20 USD to EUR|convert 20 USD to GBP|different units",
        "how many feet in a mile|how many meters in a mile|different units",
        "cheap flights to paris|cheap flights to london|different names",
        "How do I reverse a list in Python?|How do I reverse a list in Java?|different names",
        "What does API stand for?|What does SDK stand for?|different names",
        "How do I make a GET request in Python?|How do I make a POST request in Python?|different names",
        "What does getValue return?|What does setValue return?|different names",
        "weather tomorrow in Berlin|weather tomorrow in Munich|different names",
        "How do I enable two-factor authentication?|How do I disable two-factor authentication?|opposites",
        "How do I turn on dark mode?|How do I turn off dark mode?|opposites",
        "How do I increase my storage limit?|How do I decrease my storage limit?|opposites",
        "How to get the max value of an array|How to get the min value of an array|opposites",
        "How do I encrypt a file with GPG?|How do I decrypt a file with GPG?|opposites",
        "Is the flag true by default?|Is the flag false by default?|opposites",
        "What happens before the merge?|What happens after the merge?|opposites",
        "How do I add a user to my team?|How do I remove a user from my team?|opposites",
        "What is the capital of France?|What is the capital of France? And Germany?|a known name on one side only",
        "How do I reverse a list?|How do I reverse a list in Python?|a known name on one side only",
        "flights from Paris to London|flights from London to Paris|different order",
        "100 Fahrenheit to Celsius|100 Celsius to Fahrenheit|different order",
        "10 kg in pounds|10 pounds in kg|different order",
        "how many grams in a kilogram|how many kilograms in a gram|different order",
        "km to miles|miles to km|different order",
        "How to convert a string to an integer in Java|How to convert an integer to a string in Java|same words in another direction",
        "Why can I log in?|Why can't I log in?|one is negated",
        "Who painted the Mona Lisa?|Where is the Mona Lisa displayed?|different question words",
        "How to sort a dictionary by value in Python|How to sort a dictionary by key in Python|one slot differs",
        "How do I reset my password?|How do I reset my username?|one slot differs",
        "How do I change the email address on my account?|How do I change the phone number on my account?|one slot differs",
        "How do I write a for loop in Bash?|How do I write a while loop in Bash?|one slot differs",
        "How do I center a div in CSS?|How do I center text in CSS?|one slot differs",
        "How do I copy files to a remote server?|How do I copy files from a remote server?|the same question in another direction",
        "Who was the first person to walk on the Moon?|Who was the second person to walk on the Moon?|different numbers",
        "When did World War II end?|When did World War I end?|different numbers",
        "How do I delete all my emails in Gmail?|How do I delete one email in Gmail?|opposites",
        "When is the next leap year?|When was the last leap year?|opposites",
        "I forgot to pay my bill. Will it hurt my credit score?|I forgot to pay my bill. Will I be charged a late fee?|the same context, another question",
    })
    void refusesNearMisses(String query, String cached, String why) {
        assertThat(SimilarityGuard.refusal(query, cached)).hasValueSatisfying(r -> assertThat(r).startsWith(why));
        assertThat(SimilarityGuard.refusal(cached, query)).as("both ways").isPresent();
    }

    @ParameterizedTest(name = "\"{0}\" for \"{1}\" needs a cosine 0.05 over the threshold: {2}")
    @CsvSource(delimiter = '|', value = {
        "How do I update my billing address?|How can I change my billing address?|one word swapped",
        "How to tie a tie|How to tie a bow tie|words added to the same question",
        "What is the tallest building in the world?|Which building is the tallest on Earth?|a name on one side only",
    })
    void softDifferencesNeedTheCosineToClearTheThresholdByTheMargin(String query, String cached, String why) {
        assertThat(SimilarityGuard.refusal(query, cached)).as("no hard difference").isEmpty();
        assertThat(SimilarityGuard.refusal(query, cached, 0.88, 0.84)).hasValueSatisfying(r -> assertThat(r).startsWith(why));
        assertThat(SimilarityGuard.refusal(query, cached, 0.89, 0.84)).isEmpty();
        assertThat(SimilarityGuard.refusal(cached, query, 0.88, 0.84)).as("both ways").isPresent();
    }

    @Test
    void aHardDifferenceRefusesAtAnyCosine() {
        assertThat(SimilarityGuard.refusal("How do I reset my password?", "How do I reset my username?", 0.999, 0.84))
                .isPresent();
        assertThat(SimilarityGuard.refusal("How do I reset my password?", "I forgot my password. How can I reset it?",
                0.85, 0.84)).isEmpty();
    }

    @Test
    void ignoresCasePunctuationSpacingAndStopWords() {
        assertThat(SimilarityGuard.compatible("How do I reset my password?", "  how   do i RESET my password")).isTrue();
        assertThat(SimilarityGuard.compatible("reset password", "How can I reset the password, please?")).isTrue();
        assertThat(SimilarityGuard.compatible("HOW DO I RESET MY PASSWORD", "How do I reset my password?")).isTrue();
        assertThat(SimilarityGuard.compatible("How To Reset My Password", "how to reset my password")).isTrue();
        assertThat(SimilarityGuard.compatible("Who Wrote Pride And Prejudice", "who wrote pride and prejudice")).isTrue();
        assertThat(SimilarityGuard.compatible("who wrote Pride and Prejudice", "who wrote Sense and Sensibility")).isFalse();
    }

    @Test
    void acceptsTheSameQuestionAndEmptyText() {
        assertThat(SimilarityGuard.compatible("convert 5 miles to km", "convert 5 miles to km")).isTrue();
        assertThat(SimilarityGuard.compatible("", "")).isTrue();
        assertThat(SimilarityGuard.compatible(null, "")).isTrue();
    }
}
