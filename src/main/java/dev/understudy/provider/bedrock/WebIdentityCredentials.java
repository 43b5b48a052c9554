package dev.understudy.provider.bedrock;

import dev.understudy.provider.Failure;
import dev.understudy.provider.ProviderException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Temporary credentials from STS {@code AssumeRoleWithWebIdentity}, given a web-identity token file and a
 * role ARN — what EKS IAM Roles for Service Accounts (IRSA) injects as {@code AWS_WEB_IDENTITY_TOKEN_FILE}
 * and {@code AWS_ROLE_ARN}. The call is not signed (the token is the proof); the file is read again on every
 * refresh because the kubelet rotates it.
 */
final class WebIdentityCredentials extends RefreshingCredentials {

    private static final Pattern ERROR = Pattern.compile("<Code>([^<]*)</Code>\\s*<Message>([^<]*)</Message>");

    private final String stsEndpoint;
    private final String roleArn;
    private final String tokenFile;
    private final String sessionName;

    /** @param stsEndpoint e.g. {@code https://sts.eu-west-1.amazonaws.com} */
    WebIdentityCredentials(Vertx vertx, Clock clock, String stsEndpoint, String roleArn, String tokenFile,
            String sessionName) {
        super(vertx, clock);
        this.stsEndpoint = stsEndpoint.endsWith("/") ? stsEndpoint : stsEndpoint + "/";
        this.roleArn = roleArn;
        this.tokenFile = tokenFile;
        this.sessionName = sessionName;
    }

    @Override
    protected Uni<AwsCredentials> fetch() {
        return readToken(tokenFile).flatMap(token -> {
            String form = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15"
                    + "&RoleArn=" + encode(roleArn)
                    + "&RoleSessionName=" + encode(sessionName)
                    + "&WebIdentityToken=" + encode(token);
            MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                    .set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .set("Accept", "text/xml");
            return exchange(HttpMethod.POST, stsEndpoint, headers, form.getBytes(StandardCharsets.UTF_8));
        }).map(reply -> {
            if (reply.status() != 200) {
                Matcher m = ERROR.matcher(reply.body());
                throw refused("STS AssumeRoleWithWebIdentity", reply,
                        m.find() ? unescape(m.group(1)) + ": " + unescape(m.group(2)) : "no error details");
            }
            return parse(reply.body());
        });
    }

    /** The Credentials element of an AssumeRoleWithWebIdentityResponse. */
    static AwsCredentials parse(String xml) {
        String id = element(xml, "AccessKeyId");
        String secret = element(xml, "SecretAccessKey");
        String token = element(xml, "SessionToken");
        String expiration = element(xml, "Expiration");
        if (id == null || secret == null || token == null || expiration == null) {
            throw new ProviderException(Failure.MALFORMED, "STS answer has no complete Credentials element");
        }
        try {
            return new AwsCredentials(id, secret, token, Instant.parse(expiration));
        } catch (DateTimeParseException e) {
            throw new ProviderException(Failure.MALFORMED, "STS answer has an unreadable Expiration");
        }
    }

    @Override
    public String describe() {
        return "web identity (role " + roleArn + ", token file " + tokenFile + ", STS " + stsEndpoint + ")";
    }

    private static String element(String xml, String name) {
        int start = xml.indexOf("<" + name + ">");
        int end = xml.indexOf("</" + name + ">");
        return start < 0 || end < start ? null : unescape(xml.substring(start + name.length() + 2, end).trim());
    }

    private static String unescape(String s) {
        return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&apos;", "'")
                .replace("&amp;", "&");
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
