"""Check a built bundle the way an IT person would look at it, before it is packed.

    python packaging/check_bundle.py dist/counter_app

- the console twin's ``--version`` prints the version the bundle was built as
  (VERSION.txt, the one the installer is named after);
- the licence folder has the project's LICENSE, the third-party index, and a licence
  for every distribution whose files are in the bundle;
- the Pillow parts the app does not use (AVIF, WebP, colour management) are absent.

Exit code 0 when all hold; each failure is printed. Runs on Windows and Linux bundles.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

LEFT_OUT = re.compile(r"(^|[\\/])(_avif|_webp|_imagingcms)[.]|libavif|libwebp|liblcms2", re.I)


def internal(dist: Path) -> Path:
    return dist / "_internal" if (dist / "_internal").is_dir() else dist


def console_exe(dist: Path) -> Path:
    for name in ("counter_app_console.exe", "counter_app_console"):
        if (dist / name).is_file():
            return dist / name
    raise SystemExit(f"no console twin in {dist}")


def check(dist: Path) -> list[str]:
    problems: list[str] = []
    base = internal(dist)
    version_file = base / "VERSION.txt"
    version = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else ""
    if not version:
        problems.append(f"{version_file} is missing or empty")
    out = subprocess.run(
        [str(console_exe(dist)), "--version"], capture_output=True, text=True, timeout=120
    )
    printed = (out.stdout + out.stderr).strip()
    if out.returncode != 0 or printed != f"counter-app {version}":
        problems.append(f"--version printed {printed!r} (exit {out.returncode}); built {version}")

    licenses = base / "licenses"
    for name in ("LICENSE.txt", "THIRD-PARTY-NOTICES.txt"):
        if not (licenses / name).is_file():
            problems.append(f"licenses/{name} is missing")
    folders = {p.name for p in licenses.iterdir() if p.is_dir()} if licenses.is_dir() else set()
    for needed in ("Python-", "Tcl-", "Tk-", "pyinstaller-", "pillow-", "ttkbootstrap-"):
        if not any(f.startswith(needed) for f in folders):
            problems.append(f"no licence folder for {needed.rstrip('-')}")
    for folder in licenses.iterdir() if licenses.is_dir() else []:
        if folder.is_dir() and not any(folder.iterdir()):
            problems.append(f"licenses/{folder.name} is empty")
    # every package PyInstaller copied metadata for has its licence
    for info in base.glob("*.dist-info"):
        dist_name = info.name.split("-")[0].lower().replace("_", "-")
        if not any(f.lower().replace("_", "-").startswith(dist_name + "-") for f in folders):
            problems.append(f"{info.name} is bundled without a licence folder")

    left = sorted(
        str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file() and LEFT_OUT.search(str(p))
    )
    if left:
        problems.append(f"Pillow parts meant to be left out are bundled: {left}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("dist", type=Path)
    args = parser.parse_args(argv)
    problems = check(args.dist)
    for p in problems:
        print(f"bundle check: {p}", file=sys.stderr)
    if not problems:
        size = sum(
            p.lstat().st_size for p in args.dist.rglob("*") if p.is_file() and not p.is_symlink()
        )
        print(f"bundle check: ok ({size / 2**20:.1f} MiB, licences and version in place)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
