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


# -- readable colours ---------------------------------------------------------------------

AA_TEXT = 4.5  # WCAG 2.x level AA for normal-size text
COLOURS = ("primary", "secondary", "success", "info", "warning", "danger")
# (widget class, bootstyle pattern, ttk style pattern) of text drawn in a colour on the page
TEXT_STYLES = (
    ("Button", "{c}", "{c}.TButton"),  # white on a light green fails in the dark theme
    ("Button", "{c}-outline", "{c}.Outline.TButton"),
    ("Menubutton", "{c}-outline", "{c}.Outline.TMenubutton"),
    ("Button", "{c}-link", "{c}.Link.TButton"),
    ("Label", "{c}", "{c}.TLabel"),
)


def _rgb(colour: str) -> tuple[float, float, float]:
    colour = colour.lstrip("#")
    if len(colour) == 3:
        colour = "".join(ch * 2 for ch in colour)
    return tuple(int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(foreground: str, background: str) -> float:
    """The WCAG contrast ratio of two "#rrggbb" colours (1 to 21)."""
    a, b = sorted((_luminance(foreground), _luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def readable(foreground: str, background: str, target: float = AA_TEXT) -> str:
    """``foreground`` darkened (on a light page) or lightened (on a dark one) just enough
    to reach ``target`` against ``background``; unchanged when it already does."""
    if contrast(foreground, background) >= target:
        return foreground
    towards = 0.0 if _luminance(background) > 0.18 else 1.0
    r, g, b = _rgb(foreground)
    for step in range(1, 101):
        t = step / 100
        mixed = tuple(c + (towards - c) * t for c in (r, g, b))
        candidate = "#" + "".join(f"{round(c * 255):02x}" for c in mixed)
        if contrast(candidate, background) >= target:
            return candidate
    return "#000000" if towards == 0.0 else "#ffffff"


def install_readable_colours(root: tk.Misc) -> None:
    """Text in a theme colour (outline buttons, links, coloured labels) reaches WCAG AA
    on the page in both themes: yellow outline text on white was 1.6:1. Runs again after
    every theme change (ttkbootstrap builds styles per theme)."""
    import ttkbootstrap as ttk

    def fix(style: ttk.Style) -> None:
        page = style.lookup("TFrame", "background") or "#ffffff"
        for widget_class, bootstyle, name in TEXT_STYLES:
            for colour in COLOURS:
                style_name = name.format(c=colour)
                try:  # build the style now, as a widget of it would
                    getattr(ttk, widget_class)(root, bootstyle=bootstyle.format(c=colour)).destroy()
                except tk.TclError:
                    continue
                foreground = style.lookup(style_name, "foreground")
                background = style.lookup(style_name, "background") or page
                if foreground.startswith("#") and background.startswith("#"):
                    fixed = readable(foreground, background)
                    if fixed != foreground:
                        style.configure(style_name, foreground=fixed)
                        if style.lookup(style_name, "bordercolor") == foreground:
                            style.configure(style_name, bordercolor=fixed)  # the outline too

    ttk.Style().on_theme_change(fix)
