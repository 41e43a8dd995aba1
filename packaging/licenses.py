"""The licence texts that travel with the bundle: Python's, Tcl/Tk's, PyInstaller's
bootloader's, and every third-party package whose code PyInstaller put in the bundle.

``build.spec`` calls :func:`collect` with the top-level modules of its Analysis and adds
the returned files under ``_internal/licenses/``; ``THIRD-PARTY-NOTICES.txt`` there lists
each component with its licence. A component whose licence cannot be found stops the
build: shipping code without its notice is not an option the IT person should get.

    python packaging/licenses.py OUT_DIR MODULE...   (what build.spec does, for a look)
"""

from __future__ import annotations

import importlib.metadata as metadata
import re
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LICENSE_NAME = re.compile(r"^(LICEN[CS]E|COPYING|NOTICE|AUTHORS|COPYRIGHT)", re.IGNORECASE)
# Our own package and the build tools whose code is not in the bundle.
NOT_BUNDLED = {"counter-app", "counter_app", "setuptools", "pip", "wheel"}


class LicenseError(Exception):
    """A bundled component without a licence text."""


@dataclass
class Component:
    name: str
    version: str
    license: str
    files: list[Path] = field(default_factory=list)
    text: str = ""  # when the licence comes as text, not as files


def python_component() -> Component:
    """CPython's LICENSE.txt (on Windows it also covers OpenSSL, libffi, bzip2, xz, zlib,
    SQLite and Tcl/Tk as built into python.org's installer)."""
    candidates = [
        Path(sys.base_prefix) / "LICENSE.txt",  # Windows python.org
        Path(sysconfig.get_paths()["stdlib"]) / "LICENSE.txt",  # Linux, macOS
        Path(sys.base_prefix) / "share" / "doc" / f"python{sys.version_info[0]}" / "copyright",
    ]
    found = next((p for p in candidates if p.is_file()), None)
    if found is None:
        raise LicenseError(f"Python's LICENSE.txt not found (looked in {candidates})")
    return Component("Python", ".".join(map(str, sys.version_info[:3])), "PSF-2.0", files=[found])


def tcl_tk_components() -> list[Component]:
    """Tcl and Tk (their ``license.terms``; Debian's copyright files on a Debian Python)."""
    import tkinter

    tcl_lib = Path(tkinter.Tcl().eval("info library"))
    version = tkinter.Tcl().eval("info patchlevel")
    out = []
    for name in ("tcl", "tk"):
        short = f"{name}{tkinter.TclVersion if name == 'tcl' else tkinter.TkVersion}"
        candidates = [
            tcl_lib.parent / short / "license.terms",  # python.org: tcl/tcl8.6, tcl/tk8.6
            Path(sys.base_prefix) / "tcl" / short / "license.terms",
            Path("/usr/share/doc") / short / "copyright",
            Path("/usr/share/doc") / f"lib{short}" / "copyright",
        ]
        found = next((p for p in candidates if p.is_file()), None)
        if found is None:
            raise LicenseError(f"{name} licence not found (looked in {candidates})")
        out.append(Component(name.capitalize(), version, "TCL", files=[found]))
    return out


def distributions_of(modules: set[str]) -> dict[str, metadata.Distribution]:
    """The installed distributions that provide these top-level modules."""
    owners = metadata.packages_distributions()
    found: dict[str, metadata.Distribution] = {}
    for module in sorted(modules):
        for dist_name in owners.get(module, []):
            key = dist_name.lower().replace("_", "-")
            if key in NOT_BUNDLED or key in found:
                continue
            found[key] = metadata.distribution(dist_name)
    return found


def _license_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = meta.get("License-Expression")
    if expression:
        return expression
    classifiers = [
        c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if "License" in c
    ]
    text = (meta.get("License") or "").strip()
    if text and len(text) < 80:
        return text
    return ", ".join(classifiers) or ("see text" if text else "")


def package_component(dist: metadata.Distribution) -> Component:
    name = dist.metadata["Name"]
    files = [
        Path(str(dist.locate_file(f)))
        for f in dist.files or []
        if LICENSE_NAME.match(f.name) and "__pycache__" not in f.parts
    ]
    files = [f for f in files if f.is_file()]
    comp = Component(name, dist.version, _license_of(dist), files=sorted(set(files)))
    if not comp.files:
        text = (dist.metadata.get("License") or "").strip()
        if len(text) > 80:  # the whole licence in the metadata
            comp.text = text
        elif comp.license:
            comp.text = f"{name} {dist.version} is distributed under: {comp.license}\n"
        else:
            raise LicenseError(f"{name} {dist.version}: no licence file and no licence field")
    return comp


def pyinstaller_component() -> Component:
    """The bootloader is in every exe (GPL with an exception for bundled programs)."""
    dist = metadata.distribution("pyinstaller")
    return package_component(dist)


def components(modules: set[str]) -> list[Component]:
    comps = [python_component(), *tcl_tk_components(), pyinstaller_component()]
    comps += [package_component(d) for d in distributions_of(modules).values()]
    return comps


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "_", name)


def collect(modules: set[str], out: Path) -> list[tuple[Path, str]]:
    """Write the licence files under ``out`` and return ``(file, folder in the bundle)``
    pairs for PyInstaller's datas (``licenses/<component>/``)."""
    out.mkdir(parents=True, exist_ok=True)
    pairs: list[tuple[Path, str]] = []
    own = ROOT / "LICENSE"
    index = [
        "counter_app — licences of the software in this folder",
        "",
        "counter_app itself: MIT (LICENSE.txt in this folder).",
        "",
        "Third-party components bundled with it:",
        "",
    ]
    (out / "LICENSE.txt").write_bytes(own.read_bytes())
    pairs.append((out / "LICENSE.txt", "licenses"))
    for comp in components(modules):
        folder = f"licenses/{_safe(comp.name)}-{_safe(comp.version)}"
        target = out / folder.split("/", 1)[1]
        target.mkdir(parents=True, exist_ok=True)
        names = []
        for src in comp.files:
            # a licence inside the package (ttkbootstrap's icons) is named by its folder
            in_metadata = any(part.endswith(".dist-info") for part in src.parts)
            dest = target / (src.name if in_metadata else f"{src.parent.name}-{src.name}")
            dest.write_bytes(src.read_bytes())
            pairs.append((dest, folder))
            names.append(dest.name)
        if comp.text:
            dest = target / "LICENSE-from-metadata.txt"
            dest.write_text(comp.text, encoding="utf-8")
            pairs.append((dest, folder))
            names.append(dest.name)
        index.append(f"- {comp.name} {comp.version}: {comp.license or 'see files'}")
        index.append(f"  {folder.split('/', 1)[1]}/: {', '.join(names)}")
    notices = out / "THIRD-PARTY-NOTICES.txt"
    notices.write_text("\n".join(index) + "\n", encoding="utf-8")
    pairs.append((notices, "licenses"))
    return pairs


if __name__ == "__main__":
    for path, folder in collect(set(sys.argv[2:]), Path(sys.argv[1])):
        print(folder, path.name)
