package dev.understudy.testing;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.Map;

/**
 * Microsoft Entra ID's token endpoint, faked ({@code POST /{tenant}/oauth2/v2.0/token}): the client-credentials
 * grant for one application, proven by its client secret or by a client assertion that must be exactly the
 * federated token AKS workload identity projected into the pod; the scope must be Azure OpenAI's. Its
 * {@link #gate} makes a {@link FakeProvider} an Azure OpenAI resource that refuses a request with neither a
 * current bearer token nor the resource's api-key.
 */
public final class FakeEntra extends TokenServer {

    public static final String SCOPE = "https://cognitiveservices.azure.com/.default";

    private final String tenant;
    private final String clientId;
    private final String clientSecret;
    private final String federatedToken;

    private FakeEntra(String tenant, String clientId, String clientSecret, String federatedToken) {
        super("eyJ0eXAiOiJKV1QifQ.fake-entra-token-");
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.federatedToken = federatedToken;
    }

    public static FakeEntra start(String tenant, String clientId, String clientSecret, String federatedToken) {
        return new FakeEntra(tenant, clientId, clientSecret, federatedToken);
    }

    public String tokenUrl() {
        return baseUrl() + "/" + tenant + "/oauth2/v2.0/token";
    }

    /** The gate of an Azure OpenAI resource whose api-key is {@code apiKey}. */
    public java.util.function.Function<Recorded, Script> gate(String apiKey) {
        return gate(r -> apiKey.equals(r.header("api-key")));
    }

    @Override
    protected void handle(HttpExchange ex, String body) throws IOException {
        String path = ex.getRequestURI().getPath();
        if (!"POST".equals(ex.getRequestMethod()) || !path.endsWith("/oauth2/v2.0/token")) {
            json(ex, 404, "{\"error\":\"not_found\"}");
            return;
        }
        if (!path.equals("/" + tenant + "/oauth2/v2.0/token")) {
            reject(ex, 400, "invalid_request", "AADSTS90002: Tenant not found.");
            return;
        }
        Map<String, String> form = form(body);
        if (!"client_credentials".equals(form.get("grant_type"))) {
            reject(ex, 400, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.");
        } else if (!clientId.equals(form.get("client_id"))) {
            reject(ex, 400, "unauthorized_client", "AADSTS700016: Application not found in the directory.");
        } else if (!SCOPE.equals(form.get("scope"))) {
            reject(ex, 400, "invalid_scope", "AADSTS70011: The provided value for the input parameter 'scope' is "
                    + "not valid.");
        } else if (form.containsKey("client_assertion")) {
            if (!"urn:ietf:params:oauth:client-assertion-type:jwt-bearer".equals(form.get("client_assertion_type"))) {
                reject(ex, 400, "invalid_request", "AADSTS50027: Invalid client_assertion_type.");
            } else if (!federatedToken.equals(form.get("client_assertion"))) {
                reject(ex, 401, "invalid_client", "AADSTS70021: No matching federated identity record found for "
                        + "presented assertion.");
            } else {
                json(ex, 200, issue());
            }
        } else if (form.containsKey("client_secret")) {
            if (!clientSecret.equals(form.get("client_secret"))) {
                reject(ex, 401, "invalid_client", "AADSTS7000215: Invalid client secret provided.");
            } else {
                json(ex, 200, issue());
            }
        } else {
            reject(ex, 400, "invalid_client", "AADSTS7000218: The request body must contain the following "
                    + "parameter: 'client_assertion' or 'client_secret'.");
        }
    }

    @Override
    protected Script unauthenticated(String why) {
        return Script.json(401, "{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid "
                + "subscription key or wrong API endpoint (" + why + " token). Make sure to provide a valid key for an "
                + "active subscription and use a correct regional API endpoint for your resource.\"}}");
    }
}
