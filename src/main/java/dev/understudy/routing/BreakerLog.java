package dev.understudy.routing;

import dev.understudy.resilience.CircuitBreaker;
import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

/** One structured line per breaker transition (fields also in the MDC, for JSON logging). */
final class BreakerLog {

    private static final Logger LOG = Logger.getLogger("dev.understudy.breaker");

    private BreakerLog() {
    }

    static void changed(Target target, CircuitBreaker breaker, boolean fromPeer) {
        MDC.put("route", target.route());
        MDC.put("target", target.id());
        MDC.put("state", breaker.state().label());
        try {
            LOG.infof("breaker route=%s target=%s state=%s delay_ms=%d%s", target.route(), target.id(),
                    breaker.state().label(), breaker.delay().toMillis(), fromPeer ? " cause=peer" : "");
        } finally {
            MDC.remove("route");
            MDC.remove("target");
            MDC.remove("state");
        }
    }
}
