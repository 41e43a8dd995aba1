"""Entry point: ``counter-app`` and ``python -m counter_app``. Parses arguments only."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    try:
        from counter_app.cli import run
    except BaseException as exc:  # noqa: BLE001 - a build missing the entry module itself
        return _last_resort(exc)
    return run(sys.argv[1:] if argv is None else argv)


def _last_resort(exc: BaseException) -> int:
    """The entry module could not even be imported (a broken build): no log, no
    translations, so a fixed Vietnamese text, the traceback in a file in the temp folder,
    and a Win32 message box on Windows (the windowed exe has no console)."""
    import os
    import tempfile
    import traceback

    path = os.path.join(tempfile.gettempdir(), "counter_app-loi-khoi-dong.txt")
    try:
        with open(path, "w", encoding="utf-8") as f:
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        path = "(không ghi được)"
    message = (
        f"Ứng dụng không khởi động được ({type(exc).__name__}: {exc}). "
        f"Bản cài có thể bị hỏng: hãy cài lại. Chi tiết lỗi: {path}"
    )
    if sys.stderr is not None:
        print(message, file=sys.stderr)
    if sys.platform == "win32":
        try:
            import ctypes

            ctypes.windll.user32.MessageBoxW(None, message, "counter_app", 0x10)  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001
            pass
    return 1


if __name__ == "__main__":
    sys.exit(main())
