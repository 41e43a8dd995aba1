"""The one settings module: typed keys with defaults; a wrong stored value never crashes."""

from __future__ import annotations

import pytest

from counter_app.services import settings


def test_every_setting_has_a_unique_key_and_a_default_of_its_type():
    declared = [v for v in vars(settings).values() if isinstance(v, settings.Setting)]
    families = [v for v in vars(settings).values() if isinstance(v, settings.SettingFamily)]
    keys = [s.key for s in declared] + [f.prefix for f in families]
    assert len(keys) == len(set(keys)) and len(declared) >= 10
    for s in declared:
        assert isinstance(s.default, s.kind), s.key


def test_missing_and_mistyped_values_read_as_the_default(memory_store):
    assert settings.RETENTION_DAYS.get(memory_store) == 90
    settings.RETENTION_DAYS.set(memory_store, 30)
    assert settings.RETENTION_DAYS.get(memory_store) == 30
    with memory_store.transaction() as db:  # a hand-edited or corrupted value
        db.execute("UPDATE setting SET value = '\"trăm\"' WHERE key = 'privacy.retention_days'")
    assert settings.RETENTION_DAYS.get(memory_store) == 90
    with memory_store.transaction() as db:
        db.execute("UPDATE setting SET value = 'true' WHERE key = 'privacy.retention_days'")
    assert settings.RETENTION_DAYS.get(memory_store) == 90  # a bool is not a number of days


def test_writing_the_wrong_type_is_refused(memory_store):
    with pytest.raises(TypeError):
        settings.THEME.set(memory_store, 1)  # type: ignore[arg-type]
    assert settings.THEME.get(memory_store) == "light"


def test_defaults_are_fresh_copies(memory_store):
    first = settings.FORM_DEFAULTS.get(memory_store)
    first["channel_id"] = 5
    assert settings.FORM_DEFAULTS.get(memory_store) == {}


def test_families_keep_one_value_per_officer(memory_store):
    settings.DRAFTS.of(1).set(memory_store, {"note": "một"})
    settings.DRAFTS.of(2).set(memory_store, {"note": "hai"})
    assert dict(settings.DRAFTS.all(memory_store)) == {
        "draft.session_form.1": {"note": "một"},
        "draft.session_form.2": {"note": "hai"},
    }
    settings.DRAFTS.of(1).clear(memory_store)
    assert settings.DRAFTS.of(1).get(memory_store) == {}


def test_only_the_settings_module_speaks_to_the_setting_table():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent / "counter_app"
    users = sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if "FROM setting" in p.read_text(encoding="utf-8")
        or "INTO setting" in p.read_text(encoding="utf-8")
    )
    assert users == ["services/settings.py"]
