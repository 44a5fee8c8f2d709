# scripts/jdk.sh -- sourced by ./build, ./atelier and .ci/run (not executed).
# find_jdk25: sets and exports JAVA_HOME to a JDK with major version >= 25, trying
# $JAVA_HOME, then /usr/lib/jvm/* (temurin-25* first), then `java` on PATH.
# Prints one line to stderr and returns 1 if none is found. Safe under set -euo pipefail.

# _jdk_major DIR: prints the major version of DIR/bin/java ("25", "25.0.3", "26-ea", "1.8.0" -> 25, 25, 26, 8).
_jdk_major() {
  local v
  [[ -x "$1/bin/java" ]] || return 1
  v=$("$1/bin/java" -version 2>&1 | sed -n 's/^[^"]*version "\([^"]*\)".*/\1/p' | head -n 1) || return 1
  v=${v#1.}
  v=${v%%[!0-9]*}
  [[ -n "$v" ]] && echo "$v"
}

_jdk_ok() {
  local m
  m=$(_jdk_major "$1") || return 1
  (( m >= 25 ))
}

find_jdk25() {
  local c java
  local -a candidates=()
  [[ -n "${JAVA_HOME:-}" ]] && candidates+=("$JAVA_HOME")
  candidates+=(/usr/lib/jvm/temurin-25* /usr/lib/jvm/*)
  if java=$(command -v java 2>/dev/null); then
    java=$(readlink -f "$java")
    candidates+=("${java%/bin/java}")
  fi
  for c in "${candidates[@]}"; do
    if [[ -d "$c" ]] && _jdk_ok "$c"; then
      JAVA_HOME=$(cd "$c" && pwd -P)
      export JAVA_HOME
      export PATH="$JAVA_HOME/bin:$PATH"
      return 0
    fi
  done
  echo "atelier: needs JDK 25 or newer; install Temurin 25 (apt package temurin-25-jdk) or set JAVA_HOME" >&2
  return 1
}

# need_mvn: fails with one clear line when Maven is not installed. Also silences the
# sun.misc.Unsafe warnings of Maven's bundled guava on JDK 24+ and jansi's stray escape codes
# in logs (call after find_jdk25).
need_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "atelier: needs Maven 3.8 or newer to build; install it (apt package maven)" >&2
    return 1
  fi
  export MAVEN_OPTS="--sun-misc-unsafe-memory-access=allow -Djansi.noreset=true ${MAVEN_OPTS:-}"
}
