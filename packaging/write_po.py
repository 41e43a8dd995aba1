"""Write a .po file from a {msgid: msgstr} dict in a Python file (a translator's helper).

    python packaging/write_po.py translations.py resources/locale/vi/core.po

Existing entries of the target file are kept unless the dict gives a new msgstr.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from po_missing import po_quote  # noqa: E402

from counter_app.i18n import parse_po  # noqa: E402

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n"Language: vi\\n"\n\n'


def main() -> None:
    source, target = Path(sys.argv[1]), Path(sys.argv[2])
    new = runpy.run_path(str(source))["T"]
    entries = parse_po(target.read_text(encoding="utf-8")) if target.exists() else {}
    entries.update(new)
    body = "".join(
        f"msgid {po_quote(k)}\nmsgstr {po_quote(v)}\n\n" for k, v in sorted(entries.items())
    )
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(HEADER + body, encoding="utf-8")
    print(f"{len(entries)} entries in {target}")


if __name__ == "__main__":
    main()
