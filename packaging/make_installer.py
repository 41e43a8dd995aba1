"""Compile packaging/installer.nsi for one office against a PyInstaller bundle.

    python packaging/make_installer.py --office profiles/XA-MAU.toml --dist dist/counter_app
        [--out dist/installer] [--makensis PATH] [--fast]

The same command runs on Windows (the real installer) and on Linux (CI proves the script
compiles against the Linux bundle). The version is the bundle's (VERSION.txt), the
office code and name from the profile; Vietnamese text goes through a generated UTF-8
include file because command lines mangle it differently on every shell.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SCRIPT = HERE / "installer.nsi"


def _meta():
    """packaging/build_meta.py, loaded by path (this folder is not an importable package)."""
    spec = importlib.util.spec_from_file_location("counter_app_build_meta", HERE / "build_meta.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_makensis(explicit: str | None = None) -> str:
    candidates = (
        [explicit]
        if explicit
        else [
            "makensis",
            r"C:\Program Files (x86)\NSIS\makensis.exe",
            r"C:\Program Files\NSIS\makensis.exe",
        ]
    )
    for c in candidates:
        found = shutil.which(c) or (c if c and Path(c).is_file() else None)
        if found:
            return found
    raise SystemExit(
        "makensis not found: install NSIS (Debian: apt-get install nsis; "
        "Windows: choco install nsis)"
    )


def exe_name(dist: Path, basename: str = "counter_app") -> str:
    """``basename.exe`` in a Windows bundle, ``basename`` in the Linux one CI compiles."""
    for name in (f"{basename}.exe", basename):
        if (dist / name).is_file():
            return name
    raise SystemExit(f"no {basename} executable in {dist}: build the bundle first")


def bundle_version(dist: Path, meta=None) -> str:
    """The version of the bundle being packed (build.spec wrote it to VERSION.txt), so
    the installer is named after what it installs even if commits came since the build;
    the version derived from git now when the bundle has none (an older build.spec)."""
    for candidate in (dist / "_internal" / "VERSION.txt", dist / "VERSION.txt"):
        if candidate.is_file():
            return candidate.read_text(encoding="utf-8").strip()
    return (meta or _meta()).package_version()


def defines(
    office: Path,
    dist: Path,
    out: Path,
    fast: bool = False,
    work: Path | None = None,
    sign_command: str | None = None,
) -> tuple[list[str], Path]:
    """The -D options for makensis, and the installer file they will produce."""
    sys.path.insert(0, str(ROOT))
    from counter_app.services.profile import load_profile_file

    meta = _meta()
    profile = load_profile_file(office)
    version = bundle_version(dist, meta)
    work = (work or ROOT / "build" / "installer") / profile.code
    work.mkdir(parents=True, exist_ok=True)
    nsh = work / "office.nsh"
    # NSIS reads a UTF-8 file reliably only with a BOM.
    nsh.write_text(meta.office_nsh(version, profile.code, profile.name), encoding="utf-8-sig")
    out.mkdir(parents=True, exist_ok=True)
    opts = [
        f"-DVERSION={version}",
        f"-DOFFICE_CODE={profile.code}",
        f"-DOFFICE_NSH={nsh}",
        f"-DDIST_DIR={dist.resolve()}",
        f"-DOUT_DIR={out.resolve()}",
        f"-DEXE_NAME={exe_name(dist, meta.EXE_BASENAME)}",
        f"-DCONSOLE_EXE_NAME={exe_name(dist, meta.CONSOLE_EXE_BASENAME)}",
        f"-DICON={HERE / 'icon.ico'}",
    ]
    if fast:
        opts.append("-DFAST")
    if sign_command:  # signs the uninstaller and the installer as makensis writes them
        opts.append(f"-DSIGN_COMMAND={sign_command}")
    return opts, out.resolve() / meta.installer_filename(version, profile.code)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--office", type=Path, required=True, help="profiles/<code>.toml")
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "counter_app")
    parser.add_argument("--out", type=Path, default=ROOT / "dist" / "installer")
    parser.add_argument(
        "--work",
        type=Path,
        default=ROOT / "build" / "installer",
        help="folder for the generated include file",
    )
    parser.add_argument("--makensis", help="path of makensis (default: from PATH)")
    parser.add_argument(
        "--fast",
        action="store_true",
        help="zlib instead of solid LZMA: quicker, bigger (CI proof only)",
    )
    parser.add_argument(
        "--sign-command",
        help="command that signs the file named as its last argument, e.g. "
        '"pwsh -NoProfile -File packaging/sign.ps1"',
    )
    args = parser.parse_args(argv)
    opts, target = defines(
        args.office, args.dist, args.out, args.fast, args.work, args.sign_command
    )
    cmd = [find_makensis(args.makensis), "-V2", "-INPUTCHARSET", "UTF8", *opts, str(SCRIPT)]
    print("+", " ".join(cmd), flush=True)
    t0 = time.perf_counter()
    subprocess.run(cmd, check=True)
    if not target.is_file():
        raise SystemExit(f"makensis finished but {target} is missing")
    size = target.stat().st_size / 2**20
    print(f"installer: {target} ({size:.1f} MiB, compiled in {time.perf_counter() - t0:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
