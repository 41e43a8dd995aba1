#!/usr/bin/env bash
# CI packaging proof, called by .ci/run after the tests (and runnable by hand):
#   1. install PyInstaller (the project's [build] extra),
#   2. build the Linux one-folder bundle from build.spec with an office profile embedded,
#   3. check the bundle (version, licences, Pillow parts left out: check_bundle.py),
#   4. run the FROZEN executable's self-test under Xvfb, three times, and print the
#      start-up figures (first run with the bundle evicted from the page cache) — from a
#      folder named like a Vietnamese user's profile, with a space (".../Nguyễn Thị Hồng/
#      Ứng dụng/"), with COUNTER_APP_HOME and TMPDIR under such names too: Tcl/Tk failing
#      to find init.tcl under a non-ASCII path is a known PyInstaller failure,
#   5. start the windowed exe where Tk cannot start (no display): it must say so in
#      Vietnamese with the log file's path, exit 1, and log the traceback,
#   6. compile packaging/installer.nsi with makensis against that bundle.
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

python packaging/check_bundle.py dist/counter_app

# The frozen self-test from a Vietnamese-named folder with spaces, as on an office PC
# whose Windows account is "Nguyễn Thị Hồng". The self-test works in its own temporary
# folder (under TMPDIR); COUNTER_APP_HOME holds its log, printed when it fails.
vn_root=$(mktemp -d)
vn_user="$vn_root/Nguyễn Thị Hồng"
vn_app="$vn_user/Ứng dụng"
home="$vn_user/Dữ liệu ứng dụng"
vn_tmp="$vn_user/Tệp tạm"
mkdir -p "$vn_app" "$home" "$vn_tmp"
cp -a dist/counter_app "$vn_app/"
vn_exe="$vn_app/counter_app/counter_app"
echo "== frozen self-test from: $vn_exe"
# TMPDIR is set for the app only (xvfb-run keeps its own files in the default /tmp)
if ! xvfb-run -a -s "-screen 0 1600x1000x24" \
    env COUNTER_APP_HOME="$home" TMPDIR="$vn_tmp" \
    python packaging/measure_startup.py "$vn_exe" --runs 3 --evict; then
  echo "== frozen self-test FAILED; its log:" >&2
  cat "$home"/logs/*.log >&2 || true
  exit 1
fi

# A start-up failure (here: no display, so Tk cannot start) speaks Vietnamese, names the
# log file, exits 1, and the log holds the traceback.
fail_home="$vn_user/Lỗi khởi động"
set +e
fail_out=$(env -u DISPLAY -u WAYLAND_DISPLAY COUNTER_APP_HOME="$fail_home" "$vn_exe" 2>&1)
fail_rc=$?
set -e
echo "$fail_out"
if [ "$fail_rc" != 1 ] || ! grep -q "không khởi động được" <<<"$fail_out" \
    || ! grep -q "$fail_home/logs" <<<"$fail_out" \
    || ! grep -q "Traceback" "$fail_home"/logs/*.log; then
  echo "packaging: the start-up failure was not reported as expected (exit $fail_rc)" >&2
  exit 1
fi
t3=$(now)
rm -rf "$vn_root"

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
