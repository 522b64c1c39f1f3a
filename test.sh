#!/usr/bin/env bash
# Runs the whole test suite. As root it first installs the Debian packages the system tests need;
# without root (or without a package) those tests are skipped with a printed reason.
# Extra arguments go to Maven, e.g. ./test.sh -Dpeerlink.fast (unit tests only) or -pl peerlink-stun.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"
. scripts/env.sh
peerlink_pick_jdk

packages=(nftables iproute2 conntrack coturn miniupnpd-nftables miniupnpc iperf3 procps postgresql redis-server gpsd
  gpsd-clients ffmpeg rtmpdump xvfb chromium chromium-driver tinyproxy
  stun-client)
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # miniupnpd asks debconf questions; answer them and keep its service from starting.
    echo 'miniupnpd miniupnpd/start_daemon boolean false' | debconf-set-selections 2>/dev/null || true
    # Daemons running before the install are the user's: the tests use their own ports and leave them alone.
    before=" $(pgrep -d ' ' -x 'turnserver|miniupnpd|redis-server|postgres' || true) "
    apt-get update -q >/dev/null || echo "test.sh: apt-get update failed; trying the install anyway"
    apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null \
      || echo "test.sh: could not install ${missing[*]}; tests that need them will be skipped"
    # Services the packages just started on their own would hold ports some tests use: stop only those.
    for svc in coturn miniupnpd redis-server postgresql; do
      [[ " ${missing[*]} " == *" ${svc} "* || ( $svc == miniupnpd && " ${missing[*]} " == *" miniupnpd-nftables "* ) ]] || continue
      command -v systemctl >/dev/null && systemctl stop "$svc" >/dev/null 2>&1 || true
      command -v service >/dev/null && service "$svc" stop >/dev/null 2>&1 || true
    done
    for pid in $(pgrep -x 'turnserver|miniupnpd|redis-server|postgres' || true); do
      [[ "$before" == *" $pid "* ]] || kill "$pid" 2>/dev/null || true
    done
  fi
else
  echo "test.sh: not root; system tests that need root or missing packages will be skipped"
fi

exec mvn -B -ntp "$@" verify
