"""Packed backups: a database copy stored as compressed pages, whole or as a delta.

Sessions are appended and rarely changed, so two backups a day apart share almost every
page (a week of a busy office changes about 1 % of a million-session file). Keeping a
full copy per backup (the old rotation: up to 34 copies) made the backups folder ~30×
the data file. Instead, the newest backup stays a plain SQLite file (quick to restore,
quick to write on exit) and older ones are packed:

- a **full** pack holds every page, compressed (zlib) — a base;
- a **delta** pack holds only the pages that differ from one full pack (its base).

Restoring a pack rebuilds the exact file into a temporary copy (``materialize``), checks
it against the SHA-256 recorded when it was packed, and the caller then runs
``integrity_check`` on the result as for any backup. A delta depends on its base only
(never on a chain of deltas), so losing one delta loses one backup.

File layout (little-endian): ``MAGIC``, u32 header length, the header (JSON), the page
digests (16 bytes per page of the rebuilt file), then chunks — u32 first page, u32 page
count, u32 compressed length, the compressed pages — and ``END_MAGIC``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from counter_app.storage import fileops

MAGIC = b"CAPACK\x00\x01"
END_MAGIC = b"CAPACK\x00\xff"
DIGEST = 16
CHUNK_PAGES = 256  # 1 MiB at 4 KiB pages: few Python iterations, bounded memory
FULL_LEVEL = 1  # a full pack of 500 MB: level 1 takes a third of level 6's time
DELTA_LEVEL = 6  # deltas are small: the better ratio costs little
REBASE_FRACTION = 0.3  # more pages changed than this since the base: a new full pack


class PackError(Exception):
    """A pack that cannot be read or rebuilt (damaged, its base missing or changed)."""


@dataclass(frozen=True)
class PackHeader:
    path: Path
    kind: str  # "full" or "delta"
    page_size: int
    page_count: int
    sha256: str
    base: str | None  # file name of the base pack, in the same folder
    base_sha256: str | None
    meta: dict[str, Any]
    offset: int  # where the page digests start


def page_size_of(path: Path) -> int:
    with open(path, "rb") as f:
        header = f.read(100)
    if len(header) < 100:
        raise PackError(f"{path}: not a database")
    size = struct.unpack(">H", header[16:18])[0]
    return 65536 if size == 1 else size


def read_header(path: Path) -> PackHeader:
    try:
        with open(path, "rb") as f:
            if f.read(len(MAGIC)) != MAGIC:
                raise PackError(f"{path}: not a backup pack")
            (length,) = struct.unpack("<I", _exact(f, 4))
            if length > 1 << 20:
                raise PackError(f"{path}: header too large")
            header = json.loads(_exact(f, length).decode("utf-8"))
            offset = f.tell()
    except (OSError, ValueError, struct.error) as exc:
        raise PackError(f"{path}: {exc}") from exc
    try:
        return PackHeader(
            path=Path(path),
            kind=str(header["kind"]),
            page_size=int(header["page_size"]),
            page_count=int(header["page_count"]),
            sha256=str(header["sha256"]),
            base=header.get("base"),
            base_sha256=header.get("base_sha256"),
            meta=dict(header.get("meta") or {}),
            offset=offset,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise PackError(f"{path}: bad header ({exc})") from exc


def _exact(f: BinaryIO, n: int) -> bytes:
    data = f.read(n)
    if len(data) != n:
        raise PackError("truncated")
    return data


def digests(header: PackHeader) -> bytes:
    with open(header.path, "rb") as f:
        f.seek(header.offset)
        return _exact(f, header.page_count * DIGEST)


def _chunks(header: PackHeader) -> Iterator[tuple[int, bytes]]:
    """(first page, raw pages) of every chunk, each checked against the page digests."""
    table = digests(header)
    size = header.page_size
    with open(header.path, "rb") as f:
        f.seek(header.offset + len(table))
        while True:
            head = f.read(12)
            if head == END_MAGIC[:12] or head.startswith(END_MAGIC):
                return
            if len(head) < 12:
                raise PackError(f"{header.path}: truncated")
            first, count, length = struct.unpack("<III", head)
            try:
                raw = zlib.decompress(_exact(f, length))
            except zlib.error as exc:
                raise PackError(f"{header.path}: damaged chunk at page {first}") from exc
            if len(raw) != count * size or first + count > header.page_count:
                raise PackError(f"{header.path}: damaged chunk at page {first}")
            for i in range(count):
                page = raw[i * size : (i + 1) * size]
                at = (first + i) * DIGEST
                if _digest(page) != table[at : at + DIGEST]:
                    raise PackError(f"{header.path}: page {first + i} does not match")
            yield first, raw


def _digest(page: bytes) -> bytes:
    return hashlib.blake2b(page, digest_size=DIGEST).digest()


def file_digests(path: Path, page_size: int) -> tuple[bytes, str, int]:
    """(page digests, SHA-256 of the file, page count) of a plain database file."""
    table = bytearray()
    whole = hashlib.sha256()
    count = 0
    block = page_size * CHUNK_PAGES
    with open(path, "rb") as f:
        while data := f.read(block):
            whole.update(data)
            for i in range(0, len(data), page_size):
                table += _digest(data[i : i + page_size])
                count += 1
    return bytes(table), whole.hexdigest(), count


def write_pack(
    plain: Path,
    target: Path,
    base: PackHeader | None,
    meta: dict[str, Any],
    cancelled: Callable[[], bool] | None = None,
) -> PackHeader:
    """Pack the verified plain copy ``plain`` into ``target`` (a delta against ``base``
    when that saves enough, else full); verified by reading it back before the rename.
    ``cancelled()`` true stops it between chunks (PackError; nothing left behind)."""
    size = page_size_of(plain)
    table, sha, count = file_digests(plain, size)
    changed: list[int] | None = None
    if base is not None and base.kind == "full" and base.page_size == size:
        base_table = digests(base)
        changed = [
            n
            for n in range(count)
            if n >= base.page_count
            or table[n * DIGEST : (n + 1) * DIGEST] != base_table[n * DIGEST : (n + 1) * DIGEST]
        ]
        if len(changed) > REBASE_FRACTION * count:
            changed = None
    header: dict[str, Any] = {
        "format": 1,
        "kind": "full" if changed is None else "delta",
        "page_size": size,
        "page_count": count,
        "sha256": sha,
        "base": base.path.name if changed is not None and base is not None else None,
        "base_sha256": base.sha256 if changed is not None and base is not None else None,
        "meta": meta,
    }
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out, open(plain, "rb") as src:
            encoded = json.dumps(header, ensure_ascii=False).encode("utf-8")
            out.write(MAGIC + struct.pack("<I", len(encoded)) + encoded + table)
            for first, pages in _runs(changed, count):
                if cancelled is not None and cancelled():
                    raise PackError(f"{plain}: packing stopped (the app is closing)")
                src.seek(first * size)
                raw = src.read(pages * size)
                packed = zlib.compress(raw, FULL_LEVEL if changed is None else DELTA_LEVEL)
                out.write(struct.pack("<III", first, pages, len(packed)) + packed)
            out.write(END_MAGIC)
            out.flush()
            os.fsync(out.fileno())
        written = read_header(tmp)
        for _ in _chunks(written):  # read back: every page decodes to its digest
            pass
        fileops.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return read_header(target)


def _runs(changed: list[int] | None, count: int) -> Iterator[tuple[int, int]]:
    """(first page, pages) runs to store: all pages, or the changed ones grouped."""
    if changed is None:
        for first in range(0, count, CHUNK_PAGES):
            yield first, min(CHUNK_PAGES, count - first)
        return
    start = prev = -2
    for n in changed:
        if n == prev + 1 and n - start < CHUNK_PAGES:
            prev = n
            continue
        if start >= 0:
            yield start, prev - start + 1
        start = prev = n
    if start >= 0:
        yield start, prev - start + 1


def materialize(pack: Path, dest: Path) -> PackHeader:
    """Rebuild the database packed in ``pack`` into ``dest`` (made durable); raise
    PackError when the pack, or a delta's base, is damaged or does not match."""
    header = read_header(pack)
    try:
        with open(dest, "wb") as out:
            if header.kind == "delta":
                if not header.base:
                    raise PackError(f"{pack}: delta without a base")
                base = read_header(pack.parent / header.base)
                if base.kind != "full" or base.sha256 != header.base_sha256:
                    raise PackError(f"{pack}: its base {header.base} does not match")
                for first, raw in _chunks(base):
                    out.seek(first * base.page_size)
                    out.write(raw)
            elif header.kind != "full":
                raise PackError(f"{pack}: unknown kind {header.kind}")
            for first, raw in _chunks(header):
                out.seek(first * header.page_size)
                out.write(raw)
            out.truncate(header.page_count * header.page_size)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        raise PackError(f"{pack}: {exc}") from exc
    _, sha, _ = file_digests(dest, header.page_size)
    if sha != header.sha256:
        raise PackError(f"{pack}: the rebuilt file does not match its checksum")
    return header
