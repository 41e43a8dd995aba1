"""The consolidated store as a tidy dataset: one CSV per kind of record, UTF-8 (no BOM),
comma-separated, a header row, ISO dates — what DuckDB (``read_csv_auto``), PostgreSQL
``COPY … FROM … CSV HEADER`` or a BI tool reads as is: the path for a national level that
outgrows one desktop. A ``README.md`` (the data dictionary) and a ``datapackage.json``
(Frictionless Data) describe every column. Voided sessions are left out; so is nothing
personal (the files never carried any; notes arrive masked).
"""

from __future__ import annotations

import csv
import json
import uuid as uuidlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from counter_app.province.queries import TRI
from counter_app.storage import fileops
from counter_app.storage.database import Store

# (file, [(column, type, description)], SQL)
TABLES: list[tuple[str, list[tuple[str, str, str]], str]] = [
    (
        "offices.csv",
        [
            ("office_code", "string", "mã đơn vị (khóa)"),
            ("office_name", "string", "tên đơn vị"),
            ("kind", "string", "loại: xã, phường, đặc khu, sở ngành"),
            ("parent", "string", "đơn vị cấp trên"),
            ("expected", "integer", "1 nếu có trong danh sách đơn vị phải gửi báo cáo"),
        ],
        "SELECT code, name, kind, parent, expected FROM office ORDER BY sort_order, code",
    ),
    (
        "files.csv",
        [
            ("file_id", "integer", "số thứ tự tệp đã nhận (khóa)"),
            ("sha256", "string", "mã băm nội dung tệp"),
            ("file_name", "string", "tên tệp khi nhận"),
            ("office_code", "string", "đơn vị gửi"),
            ("period_kind", "string", "week, month, quarter hoặc custom"),
            ("period_start", "date", "ngày đầu kỳ"),
            ("period_end", "date", "ngày cuối kỳ"),
            ("exported_at", "datetime", "thời điểm đơn vị xuất tệp"),
            ("app_version", "string", "phiên bản ứng dụng lập tệp"),
            ("format_version", "integer", "phiên bản định dạng trang dữ liệu"),
            ("sessions", "integer", "số lượt trong tệp"),
            ("new_sessions", "integer", "số lượt mới khi nhận"),
            ("replaced_sessions", "integer", "số lượt thay bản cũ hơn"),
            ("voided_sessions", "integer", "số lượt bị hủy theo tệp"),
            ("ingested_at", "datetime", "thời điểm nhận vào kho"),
            ("ingested_by", "string", "người nhận"),
        ],
        """
        SELECT f.id, f.sha256, f.name, coalesce(o.code, ''), f.period_kind, f.period_start,
               f.period_end, f.generated_at, f.app_version, f.format_version, f.sessions,
               f.new_sessions, f.replaced_sessions, f.voided_sessions, f.ingested_at,
               f.ingested_by
        FROM received_file f LEFT JOIN office o ON o.id = f.office_id ORDER BY f.id
        """,
    ),
    (
        "sessions.csv",
        [
            ("session_uuid", "string", "mã lượt (khóa)"),
            ("office_code", "string", "đơn vị"),
            ("started_at", "datetime", "bắt đầu (giờ địa phương)"),
            ("day", "date", "ngày"),
            ("minutes", "integer", "số phút"),
            ("officer", "string", "cán bộ hướng dẫn"),
            ("counter", "string", "quầy"),
            ("channel", "string", "hình thức"),
            ("portal", "string", "cổng/ứng dụng"),
            ("applicant_code", "string", "individual, organisation, unknown…"),
            ("applicant_type", "string", "loại đối tượng"),
            ("elderly", "string", "yes, no, unknown"),
            ("ethnic_minority", "string", "yes, no, unknown"),
            ("disability", "string", "yes, no, unknown"),
            ("self_reliance", "string", "lần sau tự thực hiện"),
            ("satisfaction", "string", "mức độ hài lòng"),
            ("note", "string", "ghi chú (số điện thoại, số giấy tờ, e-mail đã che)"),
            ("updated_at", "datetime", "lần sửa cuối tại đơn vị"),
            ("file_id", "integer", "tệp mang bản đang dùng (files.csv)"),
        ],
        """
        SELECT s.id, s.uuid, o.code, s.started_at, s.minutes, s.officer_id, s.counter_id,
               s.channel_id, s.portal_id, s.applicant_id, s.elderly, s.ethnic_minority,
               s.disability, s.self_reliance_id, s.satisfaction_id, s.note, s.updated_at,
               s.file_id
        FROM session s JOIN office o ON o.id = s.office_id WHERE s.voided = 0
        ORDER BY s.started_at, s.id
        """,
    ),
    (
        "procedures.csv",
        [
            ("session_uuid", "string", "mã lượt (sessions.csv)"),
            ("position", "integer", "thứ tự thủ tục trong lượt"),
            ("procedure_code", "string", "mã TTHC"),
            ("procedure_name", "string", "tên thủ tục"),
            ("field", "string", "lĩnh vực"),
            ("online_level", "string", "toàn trình, một phần hoặc trống"),
            ("outcome_code", "string", "submitted, not_submitted, referred_to_counter…"),
            ("outcome", "string", "kết quả"),
            ("submitted", "integer", "1 nếu nộp trực tuyến thành công"),
            ("dossier_code", "string", "mã hồ sơ"),
        ],
        """
        SELECT s.uuid, sp.position, p.code, p.name, p.field, p.online_level, sp.outcome_id,
               sp.dossier_code
        FROM session_procedure sp JOIN session s ON s.id = sp.session_id
        JOIN procedure p ON p.id = sp.procedure_id WHERE s.voided = 0
        ORDER BY s.started_at, s.id, sp.position
        """,
    ),
    (
        "help_types.csv",
        [
            ("session_uuid", "string", "mã lượt"),
            ("help_type", "string", "nội dung hỗ trợ"),
        ],
        """
        SELECT s.uuid, h.label_id FROM session_help h JOIN session s ON s.id = h.session_id
        WHERE s.voided = 0 ORDER BY s.started_at, s.id
        """,
    ),
    (
        "barriers.csv",
        [
            ("session_uuid", "string", "mã lượt"),
            ("procedure_code", "string", "mã TTHC"),
            ("barrier", "string", "vướng mắc"),
        ],
        """
        SELECT s.uuid, p.code, b.label_id FROM procedure_barrier b
        JOIN session_procedure sp ON sp.id = b.session_procedure_id
        JOIN session s ON s.id = sp.session_id JOIN procedure p ON p.id = sp.procedure_id
        WHERE s.voided = 0 ORDER BY s.started_at, s.id, sp.position
        """,
    ),
]


def _rows(store: Store, name: str, sql: str) -> Iterator[list[Any]]:
    labels = {i: (c, t) for i, c, t in store.db.execute("SELECT id, code, text FROM label")}

    def text(i: Any) -> str:
        return labels[i][1] if i is not None else ""

    def key(b: bytes) -> str:
        return str(uuidlib.UUID(bytes=b))

    cursor = store.db.conn.execute(sql)
    if name == "sessions.csv":
        for row in cursor:
            app = labels.get(row[9], ("", ""))
            yield [
                key(row[1]),
                row[2],
                row[3],
                row[3][:10],
                row[4],
                text(row[5]),
                text(row[6]),
                text(row[7]),
                text(row[8]),
                app[0],
                app[1],
                TRI[row[10]],
                TRI[row[11]],
                TRI[row[12]],
                text(row[13]),
                text(row[14]),
                row[15],
                row[16],
                row[17],
            ]
    elif name == "procedures.csv":
        for s, pos, code, pname, fld, level, oid, dossier in cursor:
            ocode, olabel = labels.get(oid, ("", "")) if oid is not None else ("", "")
            yield [
                key(s),
                pos,
                code,
                pname,
                fld,
                level,
                ocode,
                olabel,
                int(ocode == "submitted"),
                dossier,
            ]
    elif name == "help_types.csv":
        for s, lid in cursor:
            yield [key(s), text(lid)]
    elif name == "barriers.csv":
        for s, code, lid in cursor:
            yield [key(s), code, text(lid)]
    else:
        yield from (list(r) for r in cursor)


def _readme(counts: dict[str, int]) -> str:
    lines = [
        "# Kho tổng hợp — bộ dữ liệu xuất (counter_app)",
        "",
        "Mỗi tệp CSV: UTF-8 không BOM, phân cách bằng dấu phẩy, dòng đầu là tên cột, ngày "
        "giờ theo ISO 8601 (giờ địa phương). Không có lượt đã hủy, không có thông tin cá "
        "nhân. Khóa: `session_uuid` nối sessions, procedures, help_types và barriers; "
        "`office_code` nối offices; `file_id` nối files.",
        "",
        "Đọc bằng DuckDB: `SELECT * FROM read_csv_auto('sessions.csv')`; PostgreSQL: "
        "`\\copy sessions FROM 'sessions.csv' CSV HEADER`.",
        "",
    ]
    for name, columns, _sql in TABLES:
        lines += [
            f"## {name} ({counts.get(name, 0)} dòng)",
            "",
            "| cột | kiểu | ý nghĩa |",
            "|---|---|---|",
        ]
        lines += [f"| {c} | {t} | {d} |" for c, t, d in columns]
        lines.append("")
    return "\n".join(lines)


def export_csv(
    store: Store, folder: Path, progress: Callable[[float, str], None] | None = None
) -> dict[str, int]:
    """Write the dataset into ``folder`` (created); returns rows written per file. Each
    file is written to a temporary name and renamed when complete."""

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    for i, (name, columns, sql) in enumerate(TABLES):
        target = folder / name
        tmp = folder / f".~{name}.tmp"
        n = 0
        with open(tmp, "w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow([c for c, _, _ in columns])
            for row in _rows(store, name, sql):
                writer.writerow(row)
                n += 1
        fileops.replace(tmp, target)  # retried while a file is held for a moment
        counts[name] = n
        if progress:
            progress((i + 1) / len(TABLES), name)
    (folder / "README.md").write_text(_readme(counts), encoding="utf-8")
    package = {
        "name": "counter-app-province-store",
        "profile": "tabular-data-package",
        "resources": [
            {
                "name": name.removesuffix(".csv"),
                "path": name,
                "format": "csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": [{"name": c, "type": t, "description": d} for c, t, d in columns]
                },
            }
            for name, columns, _ in TABLES
        ],
    }
    (folder / "datapackage.json").write_text(
        json.dumps(package, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return counts
