"""Command-line conventions an IT person relies on: quiet closed pipes, argparse and every
option's help in Vietnamese, progress on a terminal only, and the entry point that
reports every failure in Vietnamese with the log file's path."""

from __future__ import annotations

import argparse
import ast
import errno
import io
import os
import subprocess
import sys
import tkinter
from pathlib import Path

import pytest

import counter_app.cli as cli
from counter_app import platform_check
from counter_app.cli.progress import Progress
from counter_app.i18n import catalogue

ROOT = Path(__file__).resolve().parent.parent
VI = catalogue("vi")


def child_env(home: Path, **extra: str) -> dict[str, str]:
    env = {**os.environ, "COUNTER_APP_HOME": str(home), "PYTHONPATH": str(ROOT), **extra}
    env.pop("COUNTER_APP_FROZEN_AT", None)
    return env


# -- closed pipes -------------------------------------------------------------------------


@pytest.mark.parametrize("args", [["--version"], ["check"], ["-h"]])
def test_output_to_a_pipe_closed_by_its_reader_ends_quietly(tmp_path, args):
    """Like `counter-app check | head -1` when head has gone: no traceback, no
    "Exception ignored", exit 141 (SIGPIPE's code, as `yes | head` gives)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "counter_app", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=child_env(tmp_path / "home"),
    )
    proc.stdout.close()  # the reader is gone before the first line is written
    _, err = proc.communicate(timeout=60)
    text = err.decode("utf-8", "replace")
    assert "Traceback" not in text and "Exception ignored" not in text, text
    assert "BrokenPipe" not in text
    # argparse (-h, --version) swallows the failed write itself and exits 0
    assert proc.returncode in (0, cli.EXIT_CLOSED_PIPE)


def test_a_pipe_that_closes_mid_command_is_quiet_too(monkeypatch, capsys):
    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(errno.EPIPE, "Broken pipe")

    def command(args):
        print("line one")
        return 0

    monkeypatch.setattr(cli, "_run", lambda argv: command(None))
    monkeypatch.setattr(cli, "_quiet_closed_pipe", lambda: cli.EXIT_CLOSED_PIPE)
    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    assert cli.run(["check"]) == cli.EXIT_CLOSED_PIPE
    assert capsys.readouterr().err == ""


def test_windows_reports_a_closed_pipe_as_einval(monkeypatch):
    class Broken(io.StringIO):
        def flush(self):
            raise OSError(errno.EINVAL, "Invalid argument")

    monkeypatch.setattr(sys, "stdout", Broken())
    assert cli._closed_pipe(OSError(errno.EINVAL, "Invalid argument"))
    monkeypatch.setattr(sys, "stdout", io.StringIO())
    assert not cli._closed_pipe(OSError(errno.EINVAL, "Invalid argument"))  # not stdout's
    assert not cli._closed_pipe(OSError(errno.ENOSPC, "No space left"))


# -- argparse in Vietnamese ---------------------------------------------------------------


def argparse_messages() -> set[str]:
    """Every message the running Python's argparse passes through gettext."""
    tree = ast.parse(Path(argparse.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
            count = 1 if node.func.id == "_" else 2
            for arg in node.args[:count]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def test_every_argparse_message_of_this_python_has_vietnamese():
    messages = argparse_messages()
    assert "usage: " in messages and "options" in messages  # the scan works
    missing = sorted(m for m in messages if m not in VI)
    assert not missing, f"add to resources/locale/vi/argparse.po: {missing}"


def test_help_is_vietnamese_throughout(capsys):
    assert cli.run(["-h"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("cách dùng: counter-app")
    assert "tùy chọn:" in out and "hiện hướng dẫn này rồi thoát" in out
    for english in ("usage:", "options:", "show this help", "positional arguments"):
        assert english not in out


def test_run_returns_argparse_exit_codes(capsys):
    assert cli.run(["-h"]) == 0
    assert cli.run(["report", "--bogus"]) == 2
    err = capsys.readouterr().err
    assert "counter-app: lỗi: không hiểu các tham số: --bogus" in err
    assert cli.run(["demo-data", "--weeks", "x"]) == 2
    assert "giá trị không hợp lệ" in capsys.readouterr().err


def test_a_missing_argument_is_named_in_vietnamese(capsys):
    assert cli.run(["restore"]) == 2
    assert "còn thiếu tham số bắt buộc: file" in capsys.readouterr().err


def all_actions(parser: argparse.ArgumentParser, path: str = "counter-app"):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield f"{path} {choice.dest}", choice
            for name, sub in action.choices.items():
                yield from all_actions(sub, f"{path} {name}")
        else:
            yield f"{path} {'/'.join(action.option_strings) or action.dest}", action


def test_every_option_and_command_has_vietnamese_help():
    with cli.vietnamese_argparse():
        parser = cli.build_parser()
    translations = set(VI.values())
    missing = [
        where
        for where, action in all_actions(parser)
        if not action.help or action.help not in translations
    ]
    assert not missing, missing


def test_argparse_is_restored_after_our_parse():
    before = argparse._  # type: ignore[attr-defined]
    with cli.vietnamese_argparse():
        assert argparse._("usage: ") == "cách dùng: "  # type: ignore[attr-defined]
    assert argparse._ is before  # type: ignore[attr-defined]
    assert argparse._("usage: ") == "usage: "  # type: ignore[attr-defined]


def test_the_readme_command_table_lists_every_option_the_commands_take():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Command line", 1)[1].split("\n## ", 1)[0]
    with cli.vietnamese_argparse():
        parser = cli.build_parser()
    missing = [
        where
        for where, action in all_actions(parser)
        for option in action.option_strings
        if option.startswith("--") and option != "--help" and option not in table
    ]
    assert not missing, missing
    for command in ("backup", "restore", "check", "demo-data", "diagnostics", "report"):
        assert f"`counter-app {command}" in table, command


# -- progress -----------------------------------------------------------------------------


class Terminal(io.StringIO):
    def __init__(self, tty: bool = True):
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def test_progress_draws_only_on_a_terminal(monkeypatch):
    monkeypatch.delenv("COUNTER_APP_PROGRESS", raising=False)
    piped = Terminal(tty=False)
    with Progress("Lượt mẫu", total=10, stream=piped) as p:
        p.update(5)
    assert piped.getvalue() == ""
    term = Terminal()
    with Progress("Lượt mẫu", total=10, stream=term) as p:
        p.update(5)
    assert "\rLượt mẫu: 5 / 10 (50%)" in term.getvalue()
    assert term.getvalue().endswith("\r")  # the line is cleared at the end


def test_progress_can_be_forced_or_hidden(monkeypatch):
    monkeypatch.setenv("COUNTER_APP_PROGRESS", "0")
    assert not Progress("x", stream=Terminal()).enabled
    monkeypatch.setenv("COUNTER_APP_PROGRESS", "1")
    assert Progress("x", stream=Terminal(tty=False)).enabled


def test_progress_line_estimate_and_time_left():
    now = [0.0]
    p = Progress("Lượt mẫu", total=1000, estimate=True, enabled=True, clock=lambda: now[0])
    now[0] = 30.0
    p.update(250)
    assert (
        p.line() == "Lượt mẫu: 250 / khoảng 1\u202f000 (25%) · còn khoảng 1 phút 30 giây · 30 giây"
    )
    p.update(1200)  # the estimate was low: never past 99 % before the end
    assert "(99%)" in p.line()


def test_progress_of_a_job_that_reports_fractions():
    now = [0.0]
    term = Terminal()
    p = Progress("Đang ghi báo cáo…", stream=term, clock=lambda: now[0], min_interval=0.2)
    now[0] = 10.0
    p.fraction(0.25, "rows")  # the job's stage key is not shown
    assert p.line() == "Đang ghi báo cáo… 25% · còn khoảng 30 giây · 10 giây"
    p.fraction(0.5, "rows")  # the same instant: not redrawn
    assert term.getvalue().count("\r") == 1
    p.fraction(1.0, "done")  # the end is always drawn
    assert "Đang ghi báo cáo… 100% · 10 giây" in term.getvalue()
    p.fraction(7.0)
    assert p.share == 1.0


def test_progress_redraws_at_most_every_interval():
    now = [0.0]
    term = Terminal()
    p = Progress("x", total=100, stream=term, clock=lambda: now[0], min_interval=0.2)
    for i in range(100):
        p.update(i)  # all at one instant
    assert term.getvalue().count("\r") == 1
    now[0] = 0.3
    p.update(100)
    assert term.getvalue().count("\r") == 2


def test_a_blocking_step_still_shows_it_is_alive():
    from tests.helpers.wait import wait_until

    term = Terminal()
    with Progress("Nhập danh mục", stream=term, tick=True) as p:
        p.step("đang đọc tệp")
        assert "Nhập danh mục · đang đọc tệp · 0 giây" in term.getvalue()
        wait_until(lambda: term.getvalue().count("\r") >= 2, timeout=5)
    assert p._ticker is None


def test_progress_survives_a_terminal_that_went_away():
    class Gone(Terminal):
        def write(self, text):
            raise OSError(errno.EIO, "I/O error")

    p = Progress("x", total=3, stream=Gone())
    p.update(1)
    assert not p.enabled  # stopped drawing; the work goes on
    p.update(2)
    p.finish()


def test_demo_data_shows_progress_on_a_terminal(monkeypatch, capsys):
    import counter_app.services.demo as demo

    monkeypatch.setattr(demo, "CHUNK", 50)
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.delenv("COUNTER_APP_PROGRESS", raising=False)
    assert cli.run(["demo-data", "--weeks", "2", "--per-day", "20"]) == 0
    drawn = term.getvalue()
    assert "\rLượt mẫu: " in drawn and "/ khoảng 211" in drawn
    assert "Đã thêm" in capsys.readouterr().out


def test_demo_data_in_a_pipe_prints_only_its_result(monkeypatch, capsys):
    import counter_app.services.demo as demo

    monkeypatch.setattr(demo, "CHUNK", 50)
    monkeypatch.delenv("COUNTER_APP_PROGRESS", raising=False)
    assert cli.run(["demo-data", "--weeks", "1", "--per-day", "20"]) == 0
    captured = capsys.readouterr()
    assert captured.err == "" and "\r" not in captured.out


def test_catalogue_import_shows_its_steps_on_a_terminal(monkeypatch, tmp_path, capsys):
    from counter_app.catalog import importer

    csv = tmp_path / "ds.csv"
    csv.write_text(
        "Mã thủ tục,Tên thủ tục,Lĩnh vực\n9.999001,Thủ tục thử nghiệm,Hộ tịch\n",
        encoding="utf-8",
    )
    term = Terminal()
    monkeypatch.setattr(sys, "stderr", term)
    monkeypatch.delenv("COUNTER_APP_PROGRESS", raising=False)
    real = importer.preview_import
    monkeypatch.setattr(importer, "preview_import", lambda *a, **k: real(*a, **k))
    code = cli.run(["catalogue", "import", str(csv), "--yes"])
    assert code == 0, capsys.readouterr()
    drawn = term.getvalue()
    assert "Nhập danh mục · đang đọc và so sánh tệp" in drawn
    assert "Nhập danh mục · đang áp dụng thay đổi" in drawn


# -- the last line of defence -------------------------------------------------------------


@pytest.fixture
def boxes(monkeypatch):
    """Record message boxes instead of opening them."""
    shown: list[tuple[str, str]] = []

    def fake_box(title, message, platform=None):
        shown.append((title, message))
        return "tk"

    monkeypatch.setattr(cli, "show_error_box", fake_box)
    return shown


def test_a_tcl_error_before_the_window_is_a_vietnamese_box_with_the_log(monkeypatch, boxes, capsys):
    import counter_app.ui.app as ui_app
    from counter_app import logging_setup

    def broken_gui(demo=False):
        raise tkinter.TclError("Can't find a usable init.tcl in the following directories")

    monkeypatch.setattr(ui_app, "run_gui", broken_gui)
    monkeypatch.setattr(tkinter, "_default_root", None)
    assert cli.run([]) == cli.EXIT_FAIL
    [(title, message)] = boxes
    assert title == VI["Counter guidance log"]
    assert message.startswith("Ứng dụng không khởi động được do một lỗi không lường trước")
    assert "TclError: Can't find a usable init.tcl" in message
    log = logging_setup.current_log_file()
    assert log is not None and str(log) in message
    for handler in __import__("logging").getLogger().handlers:
        handler.flush()
    text = log.read_text(encoding="utf-8")
    assert "Traceback" in text and "init.tcl" in text
    assert "không khởi động được" in capsys.readouterr().err


def test_a_failing_command_says_so_on_stderr_without_a_box(monkeypatch, boxes, capsys):
    import counter_app.cli.core as core

    def broken(args):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(core, "cmd_check", broken)
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # a console exists
    assert cli.run(["check"]) == cli.EXIT_FAIL
    assert boxes == []
    err = sys.stderr.getvalue()
    assert "Lệnh bị dừng do một lỗi không lường trước (RuntimeError: disk on fire)" in err
    assert "Traceback" not in err


def test_the_windowed_exe_has_no_stderr_so_a_command_failure_is_a_box(monkeypatch, boxes):
    import counter_app.cli.core as core

    monkeypatch.setattr(core, "cmd_check", lambda args: 1 / 0)
    monkeypatch.setattr(sys, "stderr", None)
    assert cli.run(["check"]) == cli.EXIT_FAIL
    assert boxes and "ZeroDivisionError" in boxes[0][1]


def test_when_tk_itself_fails_the_win32_message_box_speaks(monkeypatch):
    import ctypes

    calls = []

    class User32:
        def MessageBoxW(self, hwnd, text, caption, flags):  # noqa: N802 - the Win32 name
            calls.append((hwnd, text, caption, flags))
            return 1

    class WinDLL:
        user32 = User32()

    def no_tk(*a, **k):
        raise tkinter.TclError("Can't find a usable init.tcl")

    monkeypatch.setattr(tkinter, "Tk", no_tk)
    monkeypatch.setattr(ctypes, "windll", WinDLL(), raising=False)
    assert cli.show_error_box("Tiêu đề", "Nội dung tiếng Việt", platform="win32") == "win32"
    [(hwnd, text, caption, flags)] = calls
    assert hwnd is None and text == "Nội dung tiếng Việt" and caption == "Tiêu đề"
    assert flags & 0x10  # MB_ICONERROR
    # elsewhere, no Win32: the caller still has stderr and the log
    assert cli.show_error_box("t", "m", platform="linux") == ""


@pytest.mark.gui
def test_the_tk_message_box_is_used_when_tk_works(monkeypatch):
    from tkinter import messagebox

    shown = []
    monkeypatch.setattr(messagebox, "showerror", lambda t, m, parent=None: shown.append((t, m)))
    assert cli.show_error_box("Tiêu đề", "Nội dung") == "tk"
    assert shown == [("Tiêu đề", "Nội dung")]


def test_without_a_display_the_app_explains_in_vietnamese(tmp_path):
    """The real path: Tk cannot start (no display), so no box either; stderr and the
    log carry it, exit code 1. (On Windows the Win32 box would show instead.)"""
    env = child_env(tmp_path / "Nguyễn Thị Hồng")
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    proc = subprocess.run(
        [sys.executable, "-m", "counter_app"], capture_output=True, env=env, timeout=120
    )
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 1, err
    assert "Ứng dụng không khởi động được do một lỗi không lường trước (TclError:" in err
    assert str(tmp_path / "Nguyễn Thị Hồng" / "logs") in err
    assert "Traceback" not in err
    logs = list((tmp_path / "Nguyễn Thị Hồng" / "logs").glob("counter_app*.log"))
    assert any("Traceback" in p.read_text(encoding="utf-8") for p in logs)


def test_a_broken_entry_module_still_speaks_vietnamese(monkeypatch, capsys, tmp_path):
    import counter_app.__main__ as entry

    monkeypatch.setitem(sys.modules, "counter_app.cli", None)  # "import" fails
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    assert entry.main(["check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Ứng dụng không khởi động được (ModuleNotFoundError")
    assert "Traceback" in (tmp_path / "counter_app-loi-khoi-dong.txt").read_text(encoding="utf-8")


# -- supported Windows --------------------------------------------------------------------


@pytest.mark.parametrize(
    "version, machine, expected",
    [
        ((6, 1, 7601), "AMD64", "Windows 7 (6.1.7601), đã quá cũ"),
        ((6, 2, 9200), "AMD64", "Windows 8 (6.2.9200)"),
        ((6, 3, 9600), "x86", "Windows bản 64-bit"),
        ((6, 3, 9600), "AMD64", None),
        ((10, 0, 19045), "AMD64", None),
        ((10, 0, 22631), "ARM64", None),
    ],
)
def test_supported_windows(version, machine, expected):
    reason = platform_check.unsupported_reason(version, machine, on_windows=True)
    if expected is None:
        assert reason is None
    else:
        assert reason is not None and expected in reason


def test_other_systems_are_not_refused():
    assert platform_check.unsupported_reason((5, 1, 2600), "x86", on_windows=False) is None


def test_windows_names():
    assert platform_check.windows_name((10, 0, 22631)) == "Windows 11 (10.0.22631)"
    assert platform_check.windows_name((10, 0, 19045)) == "Windows 10 (10.0.19045)"
    assert platform_check.windows_name((6, 3, 9600)) == "Windows 8.1 (6.3.9600)"


def test_the_real_windows_version_is_read_not_the_manifest_one(monkeypatch):
    class Info:
        major, minor, build = 6, 2, 9200  # what an exe without a manifest is told
        platform_version = (10, 0, 19045)

    monkeypatch.setattr(sys, "getwindowsversion", lambda: Info(), raising=False)
    assert platform_check.windows_version() == (10, 0, 19045)


def test_an_unsupported_windows_is_told_before_anything_opens(monkeypatch, boxes):
    import counter_app.ui.app as ui_app

    monkeypatch.setattr(
        platform_check, "unsupported_reason", lambda: "Ứng dụng cần Windows 8.1, 10 hoặc 11"
    )
    monkeypatch.setattr(ui_app, "run_gui", lambda demo=False: pytest.fail("opened"))
    assert cli.run([]) == cli.EXIT_UNSUPPORTED
    assert boxes == [(boxes[0][0], "Ứng dụng cần Windows 8.1, 10 hoặc 11")]


def test_version_still_answers_on_an_unsupported_windows(monkeypatch, capsys):
    from counter_app import __version__

    monkeypatch.setattr(platform_check, "unsupported_reason", lambda: "không hỗ trợ")
    assert cli.run(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"counter-app {__version__}"
