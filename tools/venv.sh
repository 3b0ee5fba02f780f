# Sourced by the tools that come from PyPI (tools/slither.sh, tools/halmos.sh): one Python virtual
# environment at .venv, created on first use, holding each tool's pinned requirements file.
#   venv_require <requirements file> <executable>
# installs the file into .venv when the executable is missing or the file changed since it was installed
# (a stamp per file sits in .venv), and does nothing otherwise.
VENV="$ROOT/.venv"

venv_require() {
  local reqs="$1" exe="$2"
  local stamp="$VENV/.$(basename "$reqs")"
  if [[ ! -x "$VENV/bin/$exe" ]] || ! cmp -s "$reqs" "$stamp"; then
    echo "$exe: installing $(grep -v '^#' "$reqs" | tr '\n' ' ')into .venv"
    [[ -x "$VENV/bin/python" ]] || python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$reqs"
    cp "$reqs" "$stamp"
  fi
}
