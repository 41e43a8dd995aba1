#!/usr/bin/env bash
# CI packaging proof, called by .ci/run after the tests (and runnable by hand):
#   1. install PyInstaller (the project's [build] extra),
#   2. build the Linux one-folder bundle from build.spec with an office profile embedded,
#   3. run the FROZEN executable's self-test under Xvfb, three times, and print the
#      start-up figures (first run with the bundle evicted from the page cache),
#   4. compile packaging/installer.nsi with makensis against that bundle.
# The office defaults to profiles/XA-MAU.toml; COUNTER_APP_BUILD_OFFICE picks another.
set -euo pipefail
cd "$(dirname "$0")/.."
office="${COUNTER_APP_BUILD_OFFICE:-profiles/XA-MAU.toml}"
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

echo "== packaging: office profile $office"
t0=$(now)
python -m pip install -q -e ".[build]"
t1=$(now)

python -m PyInstaller --noconfirm --clean --log-level WARN build.spec -- --office "$office"
t2=$(now)
exe=dist/counter_app/counter_app
test -x "$exe" || { echo "packaging: $exe was not built" >&2; exit 1; }
dist/counter_app/counter_app_console --version  # the console twin for restore/check
echo "bundle: $(du -sh dist/counter_app | cut -f1) in dist/counter_app"

# The self-test works in its own temporary folder; COUNTER_APP_HOME here only keeps its
# log file out of the CI user's home, and lets us print the log when it fails.
home=$(mktemp -d)
if ! COUNTER_APP_HOME="$home" xvfb-run -a -s "-screen 0 1600x1000x24" \
    python packaging/measure_startup.py "$exe" --runs 3 --evict; then
  echo "== frozen self-test FAILED; its log:" >&2
  cat "$home/logs/counter_app.log" >&2 || true
  exit 1
fi
t3=$(now)
rm -rf "$home"

command -v makensis >/dev/null || {
  echo "packaging: makensis is missing (Debian package nsis, listed in packaging/ci_packages.txt)" >&2
  exit 1
}
python packaging/make_installer.py --office "$office" --dist dist/counter_app \
  --out dist/installer --fast
t4=$(now)

echo "PACKAGING pip_install_s=$(secs "$t0" "$t1") build_s=$(secs "$t1" "$t2")" \
  "frozen_selftest_s=$(secs "$t2" "$t3") installer_s=$(secs "$t3" "$t4")" \
  "total_s=$(secs "$t0" "$t4")"
