"""One app contract: the main window and the tests' FakeApp both give every screen what
``presenters.base.AppLike`` promises, and nothing a screen uses lies outside it."""

from __future__ import annotations

import ast
from pathlib import Path

from counter_app.presenters.base import APP_ATTRIBUTES, APP_METHODS, AppLike
from counter_app.ui.main_window import MainWindow
from tests.helpers.fake_app import FakeApp

ROOT = Path(__file__).resolve().parent.parent / "counter_app"


def test_the_method_list_matches_the_protocol():
    members = {
        name
        for name, value in vars(AppLike).items()
        if callable(value) and not name.startswith("_")
    }
    assert members == set(APP_METHODS)
    assert set(AppLike.__annotations__) == set(APP_ATTRIBUTES)


def test_main_window_and_fake_app_implement_every_method():
    for name in APP_METHODS:
        assert callable(getattr(MainWindow, name, None)), f"MainWindow.{name}"
        assert callable(getattr(FakeApp(None), name, None)), f"FakeApp.{name}"


def test_screens_and_presenters_use_only_the_contract():
    """Every ``self.app.<name>`` / ``app.<name>`` in ui/ and presenters/ is in AppLike."""
    allowed = set(APP_METHODS) | set(APP_ATTRIBUTES)
    used: dict[str, str] = {}
    for folder in ("ui", "presenters"):
        for path in (ROOT / folder).glob("*.py"):
            if path.name == "main_window.py":
                continue  # the window itself
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.Attribute):
                    continue
                base = node.value
                if (isinstance(base, ast.Attribute) and base.attr == "app") or (
                    isinstance(base, ast.Name) and base.id == "app"
                ):
                    used.setdefault(node.attr, f"{folder}/{path.name}:{node.lineno}")
    outside = {name: where for name, where in used.items() if name not in allowed}
    assert outside == {}
