#!/usr/bin/env bash
# The Java runtime of the JVM image: only the JDK modules the gateway uses, linked with jlink from the JDK
# that runs this script (JDK 24+ links from its own run-time image; no jmods needed).
#
#   deploy/jlink-jre.sh OUT_DIR
#
# The modules: what `jdeps` finds in target/quarkus-app (java.base, logging, management and
# jdk.management for the metrics, naming, desktop for java.beans, compiler, sql, xml, scripting, rmi,
# transaction.xa, jdk.jfr, jdk.unsupported), plus the ones loaded only as services or at run time: DNS
# through JNDI (jdk.naming.dns), extra charsets, jdk.crypto.ec, jdk.zipfs, jdk.net. No jdk.compiler (only
# Vert.x's annotation processor refers to it). Stripped of debug symbols, man pages and headers, modules
# compressed. If the gateway gains a library that needs another module, add it here (JlinkModulesIT runs
# jdeps over target/quarkus-app in `./mvnw verify` and fails on a module missing from this list).
set -euo pipefail

out=${1:?usage: $0 OUT_DIR}
jlink=${JAVA_HOME:+$JAVA_HOME/bin/}jlink
modules=java.base,java.logging,java.management,jdk.management,jdk.unsupported,java.naming,jdk.naming.dns
modules+=,java.desktop,java.compiler,java.sql,java.xml,java.scripting,java.rmi,java.transaction.xa,jdk.jfr
modules+=,jdk.charsets,jdk.crypto.ec,jdk.zipfs,jdk.net

rm -rf "$out"
"$jlink" --add-modules "$modules" --strip-debug --no-man-pages --no-header-files --compress=zip-6 --output "$out"
echo "Java runtime: $out ($(du -sh "$out" | cut -f1))"
