#!/usr/bin/env bash
# The whole test suite of every crate of the workspace, as the README gives
# it and .ci/run calls it.
# The timeline's end-to-end test (tests/tui_tmux.rs) drives the binary in
# tmux: install it first when missing (Debian; needs root or sudo).
# The Wireshark plugin's test (tests/wireshark_plugin.rs) runs tshark: install
# it too when missing, answering wireshark-common's debconf question
# (non-root capture) with "no". The HTML report's test (tests/html_report.rs)
# loads the page in headless Chromium: install Debian's chromium when missing.
# The man page's test (tests/cli_generate.rs) renders it with groff (groff-base).
set -euo pipefail
cd "$(dirname "$0")/.."
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
if ! command -v tmux >/dev/null; then
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tmux
fi
if ! command -v tshark >/dev/null; then
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $sudo debconf-set-selections
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tshark
fi
if ! command -v chromium >/dev/null; then
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
fi
# The live timeline's test (tests/live_tmux.rs) records TURN traffic on
# loopback: coturn's turnserver and client, captured by tcpdump (as root).
if ! command -v turnserver >/dev/null || ! command -v tcpdump >/dev/null; then
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq coturn tcpdump
fi
if ! command -v groff >/dev/null; then
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq groff-base
fi
cargo test --workspace "$@"
