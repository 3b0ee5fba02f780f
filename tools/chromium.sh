#!/usr/bin/env bash
# Makes sure headless Chromium is there for the report's browser test (crates/podium/tests/
# report_browser.rs), from Debian's `chromium` package: nothing is downloaded from anywhere else.
#
# Prints `PODIUM_REQUIRE_BROWSER=1` on stdout when Chromium is available (the test command then treats
# a missing browser as a failure), or `PODIUM_REQUIRE_BROWSER=0` with the reason on stderr when it
# cannot be installed here (not root, no apt-get): the browser test then skips with that message.
set -euo pipefail

if [[ -n "${PODIUM_CHROMIUM:-}" ]] || command -v chromium >/dev/null 2>&1; then
  echo "PODIUM_REQUIRE_BROWSER=1"
  exit 0
fi

why=""
if ! command -v apt-get >/dev/null 2>&1; then
  why="no apt-get on this machine"
elif [[ "$(id -u)" != 0 ]]; then
  why="installing Debian's chromium needs root (run: sudo apt-get install -y chromium)"
else
  echo "chromium: installing Debian's package for the report's browser test (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2; then
    :
  else
    why="apt-get install chromium failed (see above)"
  fi
fi

if command -v chromium >/dev/null 2>&1; then
  echo "PODIUM_REQUIRE_BROWSER=1"
else
  echo "chromium: not available, the report's browser test will be skipped: ${why:-unknown reason}" >&2
  echo "PODIUM_REQUIRE_BROWSER=0"
fi
