#!/usr/bin/env bash
# The Python package in CI (issue 14): its Rust module's format and lints, README's
# install command (`pip install ./python`) into a virtual environment, then the pytest
# suite in python/tests: every API, byte equality with the command line on every
# fixture, bad files per error kind, threads, the Arrow schema against the CLI's
# Parquet, and the Spark job in local[2] against the CLI's NDJSON.
#
# Installs what is missing: Java 17+ from the Debian packages (Spark 4 needs it) and
# pyspark, pandas, pyarrow, pytest from PyPI.
#
#   tools/python_tests.sh [PERFPLAN_BIN]    (default target/release/perfplan)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-target/release/perfplan}")
[ -x "$bin" ] || { echo "python_tests: $bin: build the command line first" >&2; exit 2; }

echo "-- cargo fmt / clippy (perfplan-python)"
cargo fmt --check -p perfplan-python
cargo clippy --release -q -p perfplan-python -- -D warnings

java_ok() {
  command -v java >/dev/null 2>&1 || return 1
  local v
  v=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)
  [ -n "$v" ] && [ "$v" -ge 17 ]
}
if ! java_ok; then
  echo "-- installing Java (default-jre-headless) from the Debian packages"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless) >/dev/null
  java_ok || { echo "python_tests: no Java 17+ after installing default-jre-headless" >&2; exit 1; }
fi

# A virtual environment in target/ (system packages visible, so an already installed
# pyspark is not downloaded again); the package goes in it, never in the system's.
venv=target/py-ci
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --system-site-packages "$venv"
fi
py="$venv/bin/python"
pip=("$py" -m pip install --quiet --disable-pip-version-check)
missing=()
for m in pyspark pandas pyarrow pytest; do
  "$py" -c "import $m" 2>/dev/null || missing+=("$m")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "-- pip install ${missing[*]}"
  # pandas < 3: pyspark 4 warns it does not fully support pandas 3 yet
  "${pip[@]}" "${missing[@]/#pandas/pandas<3}"
fi

echo "-- pip install ./python"
"${pip[@]}" ./python
# README's one line, from outside the source tree (the installed package, not pysrc)
first=$(ls fixtures/*.pdf | head -1)
(cd / && "$OLDPWD/$py" -c "import perfplan, sys; print(perfplan.convert(sys.argv[1])['objectives'][0]['code'])" "$OLDPWD/$first")

echo "-- pytest python/tests"
PERFPLAN_BIN="$bin" "$py" -m pytest -q -p no:cacheprovider python/tests
