"""Periods (ISO week, month, quarter, custom), names, and the report/consolidate commands."""

from __future__ import annotations

from datetime import date

import pytest

from counter_app import cli, paths
from counter_app.reports import Period, last_full_week
from counter_app.reports.xlsx.publish import default_name


@pytest.mark.parametrize(
    "period, label, previous, tag",
    [
        (
            Period.iso_week(2026, 47),
            "Tuần 47/2026 (từ 16/11/2026 đến 22/11/2026)",
            Period.iso_week(2026, 46),
            "Tuan47-2026",
        ),
        (
            Period.iso_week(2026, 1),
            "Tuần 1/2026 (từ 29/12/2025 đến 04/01/2026)",
            Period.iso_week(2025, 52),
            "Tuan01-2026",
        ),
        (
            Period.iso_week(2027, 1),
            "Tuần 1/2027 (từ 04/01/2027 đến 10/01/2027)",
            Period.iso_week(2026, 53),
            "Tuan01-2027",
        ),
        (
            Period.month(2026, 3),
            "Tháng 03/2026 (từ 01/03/2026 đến 31/03/2026)",
            Period.month(2026, 2),
            "Thang03-2026",
        ),
        (
            Period.quarter(2026, 1),
            "Quý I/2026 (từ 01/01/2026 đến 31/03/2026)",
            Period.quarter(2025, 4),
            "Quy1-2026",
        ),
        (
            Period.custom(date(2026, 11, 1), date(2026, 11, 10)),
            "Từ 01/11/2026 đến 10/11/2026",
            Period.custom(date(2026, 10, 22), date(2026, 10, 31)),
            "20261101-20261110",
        ),
    ],
)
def test_period_label_previous_and_file_tag(period, label, previous, tag):
    assert period.label == label
    assert period.previous() == previous
    assert period.file_tag == tag
    assert Period.from_text(period.to_text()) == period


@pytest.mark.parametrize(
    "today, monday",
    [
        (date(2026, 11, 23), date(2026, 11, 16)),  # Monday: last week
        (date(2026, 11, 22), date(2026, 11, 9)),  # Sunday: this week is not over yet
        (date(2026, 11, 27), date(2026, 11, 16)),  # Friday
        (date(2026, 1, 2), date(2025, 12, 22)),
    ],
)
def test_last_full_week(today, monday):
    p = last_full_week(today)
    assert p.start == monday and p.days == 7 and p.end < today


@pytest.mark.parametrize("text", ["2026-W47", "2026W47", "2026-w47"])
def test_parse_week(text):
    assert Period.parse_week(text) == Period.iso_week(2026, 47)


@pytest.mark.parametrize("text", ["2026-47", "W47", "2026-W54", "2025-W53"])
def test_parse_week_rejects(text):
    with pytest.raises(ValueError):
        Period.parse_week(text)


def test_default_name_is_ascii_and_safe():
    assert (
        default_name(Period.iso_week(2026, 47), "XA/01 Tân") == "BaoCao_Tuan47-2026_XA_01_Tân.xlsx"
    )


def test_report_command_writes_the_week(file_world, capsys, monkeypatch):
    from tests.test_report_figures import build_week

    build_week(file_world)
    file_world.store.close(backup_on_exit=False)  # the command opens the data itself
    code = cli.run(["report", "--week", "2026-W47"])
    out = capsys.readouterr()
    assert code == 0, out.err
    path = paths.exports_dir() / "BaoCao_Tuan47-2026_XA01.xlsx"
    assert path.exists() and str(path) in out.out
    code = cli.run(
        [
            "report",
            "--from",
            "16/11/2026",
            "--to",
            "2026-11-22",
            "--out",
            str(paths.exports_dir() / "custom.xlsx"),
        ]
    )
    assert code == 0 and (paths.exports_dir() / "custom.xlsx").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["report", "--week", "47"],
        ["report", "--from", "16/11/2026"],
        ["report", "--from", "22/11/2026", "--to", "16/11/2026"],
        ["report", "--week", "2026-W47", "--from", "16/11/2026", "--to", "22/11/2026"],
        ["report", "--from", "32/11/2026", "--to", "22/11/2026"],
    ],
)
def test_report_command_rejects_bad_periods(argv, capsys):
    assert cli.run(argv) == 2
    assert capsys.readouterr().err.strip()


def test_consolidate_command(world, tmp_path, capsys):
    from counter_app.reports import export_report
    from tests.test_report_figures import WEEK, build_week

    build_week(world)
    a = export_report(world.store, WEEK, tmp_path / "a.xlsx")
    out = tmp_path / "th.xlsx"
    assert cli.run(["consolidate", str(a), str(a), "--out", str(out)]) == 0
    assert out.exists() and str(out) in capsys.readouterr().out
    bad = tmp_path / "x.xlsx"
    bad.write_text("hello")
    out2 = tmp_path / "th2.xlsx"
    assert cli.run(["consolidate", str(a), str(bad), "--out", str(out2)]) == 1
    assert "x.xlsx" in capsys.readouterr().err and not out2.exists()
