"""The Word report's settings (Cài đặt › Đơn vị): saved and validated through the
presenter, carried by an office profile, and the retention purge that also masks
personal data typed into notes."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from counter_app.presenters.settings import SettingsPresenter, SettingsView
from counter_app.services import settings
from counter_app.services.privacy import purge_personal_data
from counter_app.services.profile import ProfileError, apply_profile_if_new, parse_profile
from counter_app.services.report_document import load_document_settings, place_name
from counter_app.services.sessions import SessionService
from counter_app.storage.database import open_memory_store


@pytest.fixture
def presenter(supervisor_app):
    from unittest.mock import MagicMock

    p = SettingsPresenter(MagicMock(spec=SettingsView), supervisor_app)
    p.start()
    return p


def test_document_settings_saved_and_shown_again(presenter, world, supervisor_app):
    assert presenter.save_document(
        " UBND ",
        "Tân Hòa",
        "kt. chủ tịch",
        "Phó Chủ tịch",
        "Nguyễn Văn An",
        "- UBND tỉnh Đồng Tháp;\n\nSở Nội vụ\n- Lưu: VT.",
        "Đề nghị bố trí thêm máy tính.\n",
        False,
    )
    doc = load_document_settings(world.store)
    assert doc.symbol == "UBND" and doc.place == "Tân Hòa"
    assert doc.signer_authority == "kt. chủ tịch"  # upper-cased in the document itself
    assert doc.recipients == ["UBND tỉnh Đồng Tháp", "Sở Nội vụ"]  # "Lưu: VT." is added
    assert doc.proposals == "Đề nghị bố trí thêm máy tính." and doc.suggestions is False
    presenter.view.show_document.assert_called_with(doc)
    assert supervisor_app.toasts


@pytest.mark.parametrize(
    "field, value, words",
    [
        ("symbol", "BC/UBND xã", "Ký hiệu văn bản"),
        ("signer_authority", "Thay mặt", "TM., KT., Q."),
        ("signer_name", "x" * 201, "quá dài"),
    ],
)
def test_bad_document_settings_are_a_message_and_nothing_is_saved(
    presenter, world, supervisor_app, field, value, words
):
    values = dict(
        symbol="UBND",
        place="",
        signer_authority="",
        signer_title="",
        signer_name="",
        recipients_text="",
        proposals="",
        suggestions=True,
    )
    values[field] = value
    assert not presenter.save_document(**values)
    assert supervisor_app.errors and words in supervisor_app.errors[-1]
    assert settings.REPORT_SYMBOL.get(world.store) == ""


def test_notes_in_exports_is_an_office_choice(presenter, world):
    assert settings.EXPORT_NOTES.get(world.store) is True
    presenter.save_export_notes(False)
    assert settings.EXPORT_NOTES.get(world.store) is False


def test_place_name_defaults_to_the_province_without_its_prefix():
    assert place_name("", "Tỉnh Đồng Tháp") == "Đồng Tháp"
    assert place_name("", "Thành phố Hà Nội") == "Hà Nội"
    assert place_name("Tân Hòa", "Tỉnh Đồng Tháp") == "Tân Hòa"


PROFILE = """
format = 1
[office]
code = "XA07"
name = "UBND xã Mỹ An"
province = "Tỉnh Đồng Tháp"
counters = ["Quầy 1"]
[[officers]]
name = "Lê Thị Hồng"
role = "supervisor"
[report]
symbol = "UBND"
place = "Mỹ An"
signer_authority = "TM. ỦY BAN NHÂN DÂN"
signer_title = "CHỦ TỊCH"
signer_name = "Trần Văn Bình"
recipients = ["UBND tỉnh Đồng Tháp", "Sở Nội vụ"]
suggestions = false
"""


def test_an_office_profile_may_carry_the_document_settings():
    profile = parse_profile(PROFILE, "xa07.toml")
    store = open_memory_store()
    try:
        assert apply_profile_if_new(store, profile, clock=lambda: datetime(2026, 11, 26))
        doc = load_document_settings(store)
        assert doc.symbol == "UBND" and doc.signer_name == "Trần Văn Bình"
        assert doc.recipients == ["UBND tỉnh Đồng Tháp", "Sở Nội vụ"] and not doc.suggestions
    finally:
        store.close(backup_on_exit=False)


@pytest.mark.parametrize(
    "line, words",
    [
        ('recipients = "Sở Nội vụ"', "report.recipients"),
        ('signer_authority = "Ông A ký"', "TM., KT."),
        ("suggestions = 1", "report.suggestions"),
    ],
)
def test_a_bad_report_section_is_refused_in_vietnamese(line, words):
    key = line.split(" = ")[0]
    text = "\n".join(line if ln.startswith(key + " =") else ln for ln in PROFILE.splitlines())
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "xa07.toml")
    assert words in str(info.value)


def test_the_retention_purge_masks_personal_data_typed_into_notes(world, clock):
    svc = SessionService(world.store, clock=clock)
    old = svc.create(
        world.make(
            started_at=clock() - timedelta(days=120),
            backdated_reason="nhập bù",
            note="Chị Lan 0987654321, hồ sơ 000.00.12.H12-241126-0001",
        )
    )
    recent = svc.create(world.make(note="gọi 0912345678"))
    n = purge_personal_data(world.store, 90, actor_id=world.supervisor.id, clock=clock)
    assert n == 1
    note, search = world.store.db.execute(
        "SELECT note, search_text FROM session WHERE uuid = ?", [old.uuid]
    ).fetchone()
    assert note == "Chị Lan [SĐT], hồ sơ 000.00.12.H12-241126-0001"
    assert "0987654321" not in search
    kept = world.store.db.execute(
        "SELECT note FROM session WHERE uuid = ?", [recent.uuid]
    ).fetchone()[0]
    assert kept == "gọi 0912345678"  # within the retention period: untouched
    audit = world.store.db.execute(
        "SELECT after_json FROM audit WHERE action = 'purge_personal_data'"
    ).fetchone()[0]
    assert '"notes_masked": 1' in audit
