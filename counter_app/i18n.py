"""UI text through one ``tr()`` (gettext). Vietnamese is the default language.

Message ids are English; ``resources/locale/<lang>/*.po`` hold translations (one file per
feature area, merged). The .po files are compiled to a gettext catalogue in memory at
start (a few hundred strings, ~1 ms), so there is no separately built .mo to go stale.
"""

from __future__ import annotations

import ast
import gettext
import io
import struct
from pathlib import Path

from counter_app.resources import resource_path

DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")

_translation: gettext.NullTranslations = gettext.NullTranslations()
_language = "en"


def parse_po(text: str) -> dict[str, str]:
    """Return {msgid: msgstr} for the non-empty translations of a .po file."""
    entries: dict[str, str] = {}
    msgid: list[str] | None = None
    msgstr: list[str] | None = None
    current: list[str] | None = None

    def flush() -> None:
        if msgid is not None and msgstr is not None:
            key, value = "".join(msgid), "".join(msgstr)
            if key and value:
                entries[key] = value

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("msgid "):
            flush()
            msgid, msgstr = [ast.literal_eval(line[6:])], None
            current = msgid
        elif line.startswith("msgstr "):
            msgstr = [ast.literal_eval(line[7:])]
            current = msgstr
        elif line.startswith('"') and current is not None:
            current.append(ast.literal_eval(line))
    flush()
    return entries


def compile_mo(entries: dict[str, str]) -> bytes:
    """Serialise translations in GNU .mo format (what gettext.GNUTranslations reads)."""
    header = {"": "Content-Type: text/plain; charset=UTF-8\n"}
    items = sorted((header | entries).items())
    ids = [k.encode("utf-8") for k, _ in items]
    strs = [v.encode("utf-8") for _, v in items]
    header_size = 7 * 4
    table_size = len(items) * 8
    ids_start = header_size + 2 * table_size
    id_offsets, str_offsets, blob = [], [], b""
    for s in ids:
        id_offsets.append((len(s), ids_start + len(blob)))
        blob += s + b"\0"
    strs_start = ids_start + len(blob)
    sblob = b""
    for s in strs:
        str_offsets.append((len(s), strs_start + len(sblob)))
        sblob += s + b"\0"
    out = struct.pack("<7I", 0x950412DE, 0, len(items), header_size, header_size + table_size, 0, 0)
    for length, offset in id_offsets:
        out += struct.pack("<2I", length, offset)
    for length, offset in str_offsets:
        out += struct.pack("<2I", length, offset)
    return out + blob + sblob


def po_files(language: str) -> list[Path]:
    folder = resource_path("locale", language)
    return sorted(folder.glob("*.po")) if folder.is_dir() else []


def catalogue(language: str) -> dict[str, str]:
    """All translations of ``language``, merged from its .po files."""
    entries: dict[str, str] = {}
    for path in po_files(language):
        entries.update(parse_po(path.read_text(encoding="utf-8")))
    return entries


def set_language(language: str) -> None:
    """Switch the UI language; unknown languages fall back to message ids (English)."""
    global _translation, _language
    entries = catalogue(language) if language != "en" else {}
    if entries:
        _translation = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
    else:
        _translation = gettext.NullTranslations()
    _language = language if language in LANGUAGES else "en"


def language() -> str:
    return _language


def extract_messages(root: Path) -> dict[str, list[str]]:
    """{msgid: [file:line, ...]} for every ``tr("literal")`` call under ``root``."""
    found: dict[str, list[str]] = {}
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "tr"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.setdefault(node.args[0].value, []).append(
                    f"{path.relative_to(root).as_posix()}:{node.lineno}"
                )
    return found


def tr(message: str) -> str:
    """Translate a UI string. Use with literal strings only, so extraction finds them."""
    return _translation.gettext(message)


set_language(DEFAULT_LANGUAGE)
