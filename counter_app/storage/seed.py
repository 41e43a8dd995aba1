"""Seed data: the Vietnamese lookup values (the words of docs/PRODUCT.md §3) and the
built-in catalogue.

These are the starting values only: every list is editable in Settings afterwards.
"""

from __future__ import annotations

import csv

from sqlite_utils import Database

from counter_app.domain.text import fold, nfc
from counter_app.resources import resource_path

LOOKUPS: dict[str, list[tuple[str, str]]] = {
    "help_type": [
        ("portal_account", "Tạo/đăng nhập tài khoản Cổng DVC"),
        ("vneid_level2", "Kích hoạt/đăng nhập VNeID mức 2"),
        ("scan_documents", "Chụp/scan giấy tờ"),
        ("eform", "Kê khai biểu mẫu điện tử"),
        ("online_payment", "Thanh toán trực tuyến phí, lệ phí"),
        ("digital_signature", "Ký số"),
        ("status_lookup", "Tra cứu tình trạng/kết quả hồ sơ"),
        ("install_app", "Cài đặt ứng dụng"),
        ("other", "Khác"),
    ],
    "outcome": [
        ("submitted", "Nộp trực tuyến thành công"),
        ("not_submitted", "Chưa nộp được"),
        ("referred_to_counter", "Chuyển nộp trực tiếp tại quầy"),
    ],
    "barrier": [
        ("missing_documents", "Thiếu giấy tờ"),
        ("no_vneid_level2", "Chưa có định danh điện tử mức 2"),
        ("password_otp", "Quên mật khẩu / không nhận được OTP"),
        ("payment_error", "Lỗi thanh toán"),
        ("system_error", "Lỗi hệ thống / mạng"),
        ("no_smartphone", "Không có điện thoại thông minh"),
        ("not_online", "Thủ tục chưa hỗ trợ trực tuyến"),
        ("prefers_in_person", "Người dân muốn nộp trực tiếp"),
        ("other", "Khác"),
    ],
    "channel": [
        ("counter", "Tại quầy"),
        ("phone_zalo", "Qua điện thoại/Zalo"),
        ("mobile_team", "Lưu động tại cơ sở (Tổ CNS cộng đồng)"),
    ],
    "portal": [
        ("national", "Cổng DVC quốc gia"),
        ("provincial", "Cổng DVC tỉnh"),
        ("vneid", "VNeID"),
        ("vssid", "VssID"),
        ("other", "Khác"),
    ],
    "applicant_type": [
        ("individual", "Cá nhân"),
        ("organisation", "Tổ chức/doanh nghiệp"),
        ("unknown", "Không rõ"),
    ],
    "self_reliance": [
        ("yes", "Có"),
        ("needs_more_help", "Cần hỗ trợ thêm"),
        ("no", "Không"),
    ],
    "satisfaction": [
        ("very_satisfied", "Rất hài lòng"),
        ("satisfied", "Hài lòng"),
        ("unsatisfied", "Chưa hài lòng"),
        ("no_answer", "Không đánh giá"),
    ],
}


def seed_lookups(db: Database) -> None:
    rows = [
        {"kind": kind, "code": code, "label": label, "sort_order": i, "active": 1}
        for kind, values in LOOKUPS.items()
        for i, (code, label) in enumerate(values)
    ]
    db.table("lookup").insert_all(rows, ignore=True)


def builtin_catalogue_rows() -> list[dict]:
    path = resource_path("procedures.csv")
    with open(path, encoding="utf-8-sig", newline="") as f:
        return [
            {
                "code": nfc(r["code"]),
                "full_code": nfc(r["code"]),
                "name": nfc(r["name"]),
                "name_folded": fold(nfc(r["name"])),
                "field": nfc(r["field"]),
                "level": nfc(r["level"]),
                "online_level": nfc(r.get("online_level", "")),
                "source": "builtin",
            }
            for r in csv.DictReader(f)
        ]


def load_builtin_catalogue(db: Database) -> None:
    """Add new built-in codes and refresh names of built-in ones; never delete anything."""
    rows = builtin_catalogue_rows()
    db.conn.executemany(
        """
        INSERT INTO procedure (code, full_code, name, name_folded, field, level,
                               online_level, source)
        VALUES (:code, :full_code, :name, :name_folded, :field, :level, :online_level, :source)
        ON CONFLICT(code) DO UPDATE SET
            name = excluded.name, name_folded = excluded.name_folded,
            field = excluded.field, level = excluded.level
        WHERE procedure.source = 'builtin'
        """,
        rows,
    )
