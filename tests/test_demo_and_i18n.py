"""Demo data generation, training mode isolation, and translations."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest

from counter_app import i18n, paths
from counter_app.bootstrap import open_demo_store
from counter_app.services import demo

ROOT = Path(__file__).resolve().parent.parent


def test_demo_data_is_realistic(memory_store):
    result = demo.generate(memory_store, weeks=2, per_day=40, end=date(2026, 11, 22))
    db = memory_store.db
    assert result.sessions == db.execute("SELECT count(*) FROM session").fetchone()[0] > 300
    weekdays = dict(
        db.execute("SELECT strftime('%w', started_at), count(*) FROM session GROUP BY 1").fetchall()
    )
    assert "0" not in weekdays  # closed on Sunday
    assert weekdays["1"] > weekdays["6"]  # Monday busier than Saturday morning
    hours = dict(
        db.execute(
            "SELECT CAST(strftime('%H', started_at) AS INT), count(*) FROM session GROUP BY 1"
        )
    )
    assert 12 not in hours and hours[9] > hours[16]
    outcomes = dict(
        db.execute(
            "SELECT l.code, count(*) FROM session_procedure sp"
            " JOIN lookup l ON l.id = sp.outcome_id GROUP BY 1"
        )
    )
    assert outcomes["submitted"] > outcomes["not_submitted"] > 0
    unknown = db.execute(
        "SELECT count(*) FROM session_procedure WHERE procedure_code NOT IN "
        "(SELECT code FROM procedure)"
    ).fetchone()[0]
    assert unknown == 0
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_demo_refuses_real_data_unless_forced(world):
    world.save()
    with pytest.raises(demo.RealDataError) as info:
        demo.generate(world.store, weeks=1)
    assert "lượt thật" in str(info.value)
    assert world.store.db.execute("SELECT count(*) FROM session").fetchone()[0] == 1
    assert demo.generate(world.store, weeks=1, force=True).sessions > 0


def test_demo_data_twice_is_allowed(memory_store):
    demo.generate(memory_store, weeks=1)
    demo.generate(memory_store, weeks=1)  # only demo rows so far: no refusal
    assert demo.real_session_count(memory_store) == 0


def test_training_mode_never_touches_the_real_database(isolated_home):
    store = open_demo_store(weeks=1)
    try:
        assert store.is_demo
        assert store.path.parent == paths.demo_dir()
        assert store.db.execute("SELECT count(*) FROM session").fetchone()[0] > 0
    finally:
        store.close()
    assert not paths.database_path().exists()


def test_every_ui_string_has_a_vietnamese_translation():
    messages = i18n.extract_messages(ROOT / "counter_app")
    vi = i18n.catalogue("vi")
    missing = {m: where for m, where in messages.items() if not vi.get(m)}
    assert missing == {}, "run python packaging/po_missing.py and translate these"


def test_translations_are_nfc_and_keep_placeholders():
    import re

    for msgid, msgstr in i18n.catalogue("vi").items():
        assert unicodedata.is_normalized("NFC", msgstr), msgid
        assert set(re.findall(r"{\w+}", msgid)) == set(re.findall(r"{\w+}", msgstr)), msgid


def test_language_switch():
    i18n.set_language("en")
    assert i18n.tr("good") == "good"
    i18n.set_language("vi")
    assert i18n.tr("good") == "tốt"


def test_po_round_trip():
    import gettext
    import io

    text = (
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        '# comment\nmsgid "Hello {name}"\nmsgstr "Xin chào {name}"\n\n'
        'msgid "Say \\"hi\\""\nmsgstr ""\n"Nói \\"chào\\""\n'
    )
    entries = i18n.parse_po(text)
    assert entries == {"Hello {name}": "Xin chào {name}", 'Say "hi"': 'Nói "chào"'}
    t = gettext.GNUTranslations(io.BytesIO(i18n.compile_mo(entries)))
    assert t.gettext('Say "hi"') == 'Nói "chào"'
