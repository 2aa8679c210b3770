# Sourced by build.sh and test.sh: use the active virtual environment, or create ./.venv, and install
# the project with its test extra. Needs only Python >= 3.10 with pip and venv.
set -euo pipefail
if [ -z "${VIRTUAL_ENV:-}" ]; then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  # shellcheck disable=SC1091
  . .venv/bin/activate
fi
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
