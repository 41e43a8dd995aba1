"""Every key of the app is declared once, in ui/shortcuts.py."""

from __future__ import annotations

import re
from pathlib import Path

from counter_app.ui import shortcuts

ROOT = Path(__file__).resolve().parent.parent / "counter_app"


def test_no_window_key_is_declared_twice():
    seen: dict[str, str] = {}
    for s in shortcuts.WINDOW:
        for seq in s.sequences:
            assert seq not in seen, f"{seq}: {seen.get(seq)} and {s.name}"
            seen[seq] = s.name


def test_key_bindings_are_written_only_in_the_shortcut_table():
    """Virtual events (<<…>>), focus and configure events are not keys, nor are the
    pointer's motion, entering, leaving and a press that hides a tooltip, nor a widget's
    destruction."""
    key = re.compile(
        r"\.bind\(\s*[\"']<(?!<)(?!Configure>|FocusIn>|FocusOut>|Motion>|Enter>|Leave>|ButtonPress>|Destroy>)"
    )
    offenders = [
        f"{p.relative_to(ROOT)}:{i}"
        for p in (ROOT / "ui").glob("*.py")
        if p.name != "shortcuts.py"
        for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if key.search(line)
    ]
    assert offenders == []


def test_every_shortcut_reads_in_vietnamese():
    for keys, text in shortcuts.key_list():
        assert keys and text and text[0].isupper(), (keys, text)
    assert dict(shortcuts.key_list())["Ctrl+Enter"].startswith("Lưu")
