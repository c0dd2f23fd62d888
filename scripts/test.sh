#!/usr/bin/env bash
# The whole test suite of every crate of the workspace, as the README gives
# it and .ci/run calls it.
# The timeline's end-to-end test (tests/tui_tmux.rs) drives the binary in
# tmux: install it first when missing (Debian; needs root or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v tmux >/dev/null; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq tmux
fi
cargo test --workspace "$@"
