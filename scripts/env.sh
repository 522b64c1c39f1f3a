# Sourced by ./peerlink and ./test.sh: picks a JDK >= 21 and exports JAVA_HOME.
# Order: $JAVA_HOME if it is >= 21, then the Temurin 25 install, else fail clearly.
peerlink_java_major() {
  # The JDK's release file names its version without starting a JVM (which costs ~0.1-0.5 s on every ./peerlink run).
  local v
  v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null | head -1)
  if [ -n "$v" ]; then
    echo "$v"
    return
  fi
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p'
}
peerlink_pick_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    major=$(peerlink_java_major "$candidate")
    if [ -n "$major" ] && [ "$major" -ge 21 ]; then
      export JAVA_HOME="$candidate"
      export PATH="$JAVA_HOME/bin:$PATH"
      # Maven's bundled Guava warns about sun.misc.Unsafe on JDK 24+; the flag exists only there.
      if [ "$major" -ge 24 ]; then
        export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
      fi
      return 0
    fi
  done
  echo "peerlink: needs a JDK >= 21 (set JAVA_HOME, or install Temurin 25 at /usr/lib/jvm/temurin-25-jdk-amd64)." >&2
  return 1
}
