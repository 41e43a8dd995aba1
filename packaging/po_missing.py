"""Print .po stubs for every tr() string that has no Vietnamese translation yet.

    python packaging/po_missing.py            # all missing, to stdout
    python packaging/po_missing.py ui         # only those whose source file path contains 'ui'

Paste the output into the right resources/locale/vi/<area>.po and fill in msgstr.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from counter_app.i18n import catalogue, extract_messages  # noqa: E402


def po_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def main() -> None:
    only = sys.argv[1] if len(sys.argv) > 1 else ""
    have = catalogue("vi")
    for msgid, where in sorted(extract_messages(ROOT / "counter_app").items()):
        if msgid in have:
            continue
        if only and not any(only in w for w in where):
            continue
        print(f'#: {", ".join(where[:3])}\nmsgid {po_quote(msgid)}\nmsgstr ""\n')


if __name__ == "__main__":
    main()
