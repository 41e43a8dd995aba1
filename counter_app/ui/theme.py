"""Look and language of the Tk side: light/dark themes, fonts, and the Vietnamese strings
ttkbootstrap's own dialogs and date picker need (it ships no Vietnamese catalogue)."""

from __future__ import annotations

import sys
import tkinter as tk
import tkinter.font as tkfont

THEMES = {"light": "bootstrap-light", "dark": "bootstrap-dark"}
DEFAULT_THEME = "light"

# ttkbootstrap message ids (English) → Vietnamese. Month names are keyed on the English
# strftime("%B") output, weekday headers on two-letter English abbreviations.
TTK_VI = (
    # "Hủy" is this app's word for voiding a session ("Hủy lượt"): a Cancel button in
    # the void dialog must not read "Hủy" next to "Gửi", so Cancel is "Bỏ qua".
    ("OK", "Đồng ý"),
    ("Ok", "Đồng ý"),
    ("Cancel", "Bỏ qua"),
    ("Yes", "Có"),
    ("No", "Không"),
    ("Retry", "Thử lại"),
    ("Delete", "Xóa"),
    ("Next", "Tiếp"),
    ("Prev", "Trước"),
    ("Previous", "Trước"),
    ("Open", "Mở"),
    ("Close", "Đóng"),
    ("Add", "Thêm"),
    ("Remove", "Bỏ"),
    ("Submit", "Đồng ý"),
    ("Search", "Tìm"),
    ("Page", "Trang"),
    ("of", "/"),
    ("Continue", "Tiếp tục"),
    ("Select new date", "Chọn ngày"),
    ("Should be of data type", "Phải có kiểu dữ liệu"),
    ("Invalid data type", "Kiểu dữ liệu không hợp lệ"),
    ("Number cannot be greater than", "Số không được lớn hơn"),
    ("Out of range", "Ngoài phạm vi"),
    ("January", "Tháng 1"),
    ("February", "Tháng 2"),
    ("March", "Tháng 3"),
    ("April", "Tháng 4"),
    ("May", "Tháng 5"),
    ("June", "Tháng 6"),
    ("July", "Tháng 7"),
    ("August", "Tháng 8"),
    ("September", "Tháng 9"),
    ("October", "Tháng 10"),
    ("November", "Tháng 11"),
    ("December", "Tháng 12"),
    ("Mo", "T2"),
    ("Tu", "T3"),
    ("We", "T4"),
    ("Th", "T5"),
    ("Fr", "T6"),
    ("Sa", "T7"),
    ("Su", "CN"),
)


def register_ttk_locale(language: str) -> None:
    """Register our Vietnamese catalogue with ttkbootstrap and switch its locale."""
    from ttkbootstrap.localization import MessageCatalog

    pairs = [s for pair in TTK_VI for s in pair]
    MessageCatalog.set_many("vi", *pairs)
    MessageCatalog.locale("vi" if language == "vi" else "en")


def ttk_theme(name: str) -> str:
    return THEMES.get(name, THEMES[DEFAULT_THEME])


def setup_fonts(root: tk.Misc, base_size: int = 10) -> None:
    """Segoe UI on Windows (full Vietnamese coverage); sizes in points, never pixels."""
    family = "Segoe UI" if sys.platform == "win32" else None
    for name in ("TkDefaultFont", "TkTextFont", "TkMenuFont", "TkHeadingFont"):
        try:
            font = tkfont.nametofont(name, root=root)
        except tk.TclError:
            continue
        if family:
            font.configure(family=family)
        font.configure(size=base_size)
