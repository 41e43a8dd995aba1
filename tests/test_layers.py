"""The layer contract (docs/ARCHITECTURE.md): imports run downward only.

    entry (cli/, __main__, selftest) → ui/ → presenters/ → services/, catalog/, reports/
    → storage/ → domain/ ; the ground (paths, resources, i18n, logging) under everything.

Every import is read from the source, function-level ones included, so a lazy import
that climbs a layer fails here as well as a top-level one.
"""

from __future__ import annotations

import ast
import functools
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent / "counter_app"
ENTRY, UI, PRESENTERS, ENGINES, STORAGE, DOMAIN, GROUND = range(6, -1, -1)
LAYER_NAMES = {
    ENTRY: "entry",
    UI: "ui",
    PRESENTERS: "presenters",
    ENGINES: "services/catalog/reports",
    STORAGE: "storage",
    DOMAIN: "domain",
    GROUND: "ground",
}
BY_PACKAGE = {
    "cli": ENTRY,
    "__main__": ENTRY,
    "selftest": ENTRY,
    "ui": UI,
    "presenters": PRESENTERS,
    "services": ENGINES,
    "catalog": ENGINES,
    "reports": ENGINES,
    "province": ENGINES,
    "bootstrap": ENGINES,
    "storage": STORAGE,
    "domain": DOMAIN,
    "__init__": GROUND,
    "paths": GROUND,
    "resources": GROUND,
    "i18n": GROUND,
    "logging_setup": GROUND,
    "platform_check": GROUND,
    "_version": GROUND,
}
# Libraries a layer must not touch, whatever it imports of ours.
FORBIDDEN = {
    PRESENTERS: ("tkinter", "ttkbootstrap", "sqlite3", "sqlite_utils"),
    UI: ("sqlite3", "sqlite_utils"),
    ENGINES: ("tkinter", "ttkbootstrap"),
    STORAGE: ("tkinter", "ttkbootstrap"),
    DOMAIN: ("tkinter", "ttkbootstrap", "sqlite3", "sqlite_utils", "openpyxl"),
}


def modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


def layer_of(module: str) -> int:
    """``counter_app.reports.writer`` → the reports layer."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top not in BY_PACKAGE:
        raise KeyError(f"{module}: no layer declared for counter_app.{top}")
    return BY_PACKAGE[top]


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1] if len(parts) > 2 else [parts[0], "__init__"]
    return ".".join(parts)


@functools.cache
def imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
            if node.module == "counter_app":  # from counter_app import paths (a module)
                found += [
                    (f"counter_app.{a.name}", node.lineno)
                    for a in node.names
                    if (ROOT / f"{a.name}.py").exists() or (ROOT / a.name).is_dir()
                ]
    return found


def test_every_module_has_a_layer():
    for path in modules():
        layer_of(module_name(path))


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_run_downward_only(path):
    me = module_name(path)
    mine = layer_of(me)
    upward = []
    for target, line in imports(path):
        if target.startswith("counter_app.") or target == "counter_app":
            if target == "counter_app":
                continue
            theirs = layer_of(target)
            if theirs > mine:
                upward.append(
                    f"line {line}: {me} ({LAYER_NAMES[mine]}) imports {target} "
                    f"({LAYER_NAMES[theirs]})"
                )
        elif target.split(".")[0] in FORBIDDEN.get(mine, ()):
            upward.append(f"line {line}: {me} ({LAYER_NAMES[mine]}) imports {target}")
    assert upward == []


def test_the_contract_can_fail():
    """The checker itself: a presenter importing a view is caught."""
    assert layer_of("counter_app.ui.session_screen") > layer_of("counter_app.presenters.login")
    assert layer_of("counter_app.reports.aggregate") < layer_of("counter_app.presenters.base")
