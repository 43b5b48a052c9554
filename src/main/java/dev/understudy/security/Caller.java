package dev.understudy.security;

import java.util.Set;

/**
 * Who sent a request: a configured gateway key (its name, tenant, allowed routes and rate bucket), or
 * {@link #ANONYMOUS} when the gateway is open. Never holds the key itself.
 */
public record Caller(String name, String tenant, Set<String> routes, TokenBucket bucket) {

    public static final Caller ANONYMOUS = new Caller("anonymous", null, null, null);

    public boolean mayUse(String route) {
        return routes == null || routes.contains(route);
    }
}
