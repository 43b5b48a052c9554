# Sourced by ./mvnw before it starts Maven: finds a JDK 21+ when JAVA_HOME is unset and the `java` on the PATH
# is older (deploy/gameday/run.sh sources it too, with UNDERSTUDY_MIN_JDK=22). Why Maven's own JVM, not only the
# compiler's (which a Maven toolchain could pick): Quarkus builds the application inside Maven's JVM and loads its
# classes there, so that JVM must read Java 21 class files. JAVA_HOME, when set, is always respected.
# POSIX sh: mvnw runs with `set -euf`.

understudy_jdk_feature() { # the feature release (21, 25, ...) of the JDK at $1, from its `release` file; else 0
  _v=$(sed -n 's/^JAVA_VERSION="\([0-9][0-9]*\).*/\1/p' "$1/release" 2>/dev/null || :)
  printf %s\\n "${_v:-0}"
}

_min=${UNDERSTUDY_MIN_JDK:-21}
if [ -z "${JAVA_HOME-}" ]; then
  _current=0
  if command -v java >/dev/null 2>&1; then
    _current=$(java -XshowSettings:properties -version 2>&1 |
      sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' || :)
  fi
  if [ "${_current:-0}" -lt "$_min" ]; then
    _found=$(
      set +f
      _best=0 _home=
      for _d in /usr/lib/jvm/* /usr/java/* /opt/java/* "${HOME-}"/.jdks/* "${HOME-}"/.sdkman/candidates/java/* \
        /Library/Java/JavaVirtualMachines/*/Contents/Home; do
        [ -x "$_d/bin/java" ] && [ -x "$_d/bin/javac" ] || continue
        _v=$(understudy_jdk_feature "$_d")
        if [ "$_v" -gt "$_best" ]; then _best=$_v _home=$_d; fi
      done
      if [ "$_best" -ge "$_min" ]; then printf %s\\n "$_home"; fi
    )
    if [ -z "$_found" ]; then
      echo "This needs a JDK $_min or newer; the java on the PATH is ${_current:-missing} and none was found in" >&2
      echo "/usr/lib/jvm, ~/.jdks or ~/.sdkman. Install one (Temurin 25 recommended) or set JAVA_HOME." >&2
      exit 1
    fi
    JAVA_HOME=$_found
    export JAVA_HOME
    echo "${0##*/}: using the JDK at $JAVA_HOME (the java on the PATH is ${_current:-missing}; this needs $_min+)" >&2
  fi
fi

# JDK 24+ warns on every build that Maven's own Guava uses sun.misc.Unsafe; allow it for Maven's JVM only
# (older JDKs do not know the option, so it cannot live in .mvn/jvm.config).
if [ -n "${JAVA_HOME-}" ]; then
  _feature=$(understudy_jdk_feature "$JAVA_HOME")
else
  _feature=${_current:-$(java -XshowSettings:properties -version 2>&1 |
    sed -n 's/^ *java\.specification\.version = \([0-9][0-9]*\).*/\1/p' || :)}
fi
if [ "${_feature:-0}" -ge 24 ]; then
  MAVEN_OPTS="${MAVEN_OPTS-} --sun-misc-unsafe-memory-access=allow"
  export MAVEN_OPTS
fi
