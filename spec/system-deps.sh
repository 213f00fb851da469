#!/usr/bin/env bash
# The system tools the specs use, from Debian's apt, installed only when missing:
#   promtool (package prometheus)  lints a live GET /metrics; checks and unit-tests deploy/prometheus's rules
#   prometheus (package prometheus) scrapes running services in spec/deploy/prometheus.spec.ts
#   chromium                       runs the dashboard's browser spec (driven by playwright-core)
#   openssl                        makes the TLS spec's self-signed certificate
#   setpriv (util-linux)           gives GPU tool children a parent-death signal
# apt may be slow or briefly unavailable: retried with timeouts. Exits 1, naming what is missing,
# if a tool is still missing afterwards. Runs apt through sudo when not root.
set -uo pipefail
declare -A PACKAGE_OF=([promtool]=prometheus [prometheus]=prometheus [chromium]=chromium [openssl]=openssl [setpriv]=util-linux)
missing=()
for tool in promtool prometheus chromium openssl setpriv; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("${PACKAGE_OF[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "system-deps: missing ${missing[*]} and no apt-get here; install them with your package manager" >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
echo "system-deps: installing ${missing[*]} from apt" >&2
for attempt in 1 2 3; do
  timeout 600 $sudo apt-get update -qq -o Acquire::Retries=3 \
    && timeout 900 $sudo apt-get install -y -qq --no-install-recommends -o Acquire::Retries=3 "${missing[@]}" >/dev/null && break
  echo "system-deps: apt-get failed (attempt $attempt of 3); retrying in 20 s" >&2
  sleep 20
done
status=0
for tool in promtool prometheus chromium openssl setpriv; do
  command -v "$tool" >/dev/null 2>&1 || { echo "system-deps: $tool is still missing (apt package ${PACKAGE_OF[$tool]})" >&2; status=1; }
done
exit $status
