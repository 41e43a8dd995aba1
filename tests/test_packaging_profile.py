"""Office profiles: parsing with Vietnamese messages, and first-run-only application."""

from __future__ import annotations

from pathlib import Path

import pytest

from counter_app.domain.models import Office, Role
from counter_app.services import profile as prof
from counter_app.services import settings
from counter_app.services.offices import OfficeService

ROOT = Path(__file__).resolve().parent.parent

GOOD = """
format = 1
[office]
code = "XA-TEST"
name = "Trung tâm Phục vụ hành chính công xã Tân Hòa"
province = "Tỉnh Đồng Tháp"
parent_body = "UBND xã Tân Hòa"
counters = ["Quầy 1", "Quầy 2"]

[[officers]]
name = "Lê Thị Hồng"
role = "supervisor"

[[officers]]
name = "Trần Văn Đức"
"""


def write(tmp_path: Path, text: str, name: str = "office.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_parse_good_profile():
    p = prof.parse_profile(GOOD)
    assert (p.code, p.province, p.parent_body) == ("XA-TEST", "Tỉnh Đồng Tháp", "UBND xã Tân Hòa")
    assert p.counters == ["Quầy 1", "Quầy 2"]
    assert [(o.name, o.role) for o in p.officers] == [
        ("Lê Thị Hồng", Role.SUPERVISOR),
        ("Trần Văn Đức", Role.OFFICER),
    ]


def test_text_is_stored_nfc():
    decomposed = "Hòa".replace("ò", "o\u0300")
    p = prof.parse_profile(GOOD.replace('Tân Hòa"\nprovince', f'Tân {decomposed}"\nprovince'))
    assert p.name.endswith("Tân Hòa") and "\u0300" not in p.name


@pytest.mark.parametrize(
    "profile_path", sorted((ROOT / "profiles").glob("*.toml")), ids=lambda p: p.name
)
def test_shipped_example_profiles_load(profile_path):
    p = prof.load_profile_file(profile_path)
    assert p.code == profile_path.stem  # the file name is the office code, by convention
    assert p.counters and any(o.role is Role.SUPERVISOR for o in p.officers)


def test_notepad_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert prof.load_profile_file(path).code == "XA-TEST"


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda t: t.replace('code = "XA-TEST"', 'code = "Xã Tân Hòa"'), "Xã Tân Hòa"),
        (lambda t: t.replace('code = "XA-TEST"\n', ""), "office.code"),
        (lambda t: t.replace('counters = ["Quầy 1", "Quầy 2"]', "counters = []"), "quầy"),
        (
            lambda t: t.replace('counters = ["Quầy 1", "Quầy 2"]', 'counters = "Quầy 1"'),
            "office.counters",
        ),
        (lambda t: t.replace('"Quầy 2"', '"quầy 1"'), "hai lần"),
        (lambda t: t.replace('role = "supervisor"', 'role = "boss"'), "boss"),
        (lambda t: t.replace('role = "supervisor"', 'role = "officer"'), "supervisor"),
        (lambda t: t.replace("[office]", "[offise]"), "[office]"),
        (lambda t: t.replace("format = 1", "format = 2"), "2"),
        (lambda t: t.replace('name = "Lê Thị Hồng"', "name = Lê Thị Hồng"), "TOML"),
        (lambda t: t.replace('province = "Tỉnh Đồng Tháp"', "province = 5"), "office.province"),
    ],
)
def test_bad_profiles_get_a_vietnamese_message(change, words):
    with pytest.raises(prof.ProfileError) as err:
        prof.parse_profile(change(GOOD), source="x.toml")
    assert words in str(err.value)
    assert "hồ sơ" in str(err.value).lower()


def test_unreadable_file_is_a_profile_error(tmp_path):
    with pytest.raises(prof.ProfileError, match="Không đọc được"):
        prof.load_profile_file(tmp_path / "missing.toml")


def test_env_var_wins_over_embedded(tmp_path, monkeypatch):
    path = write(tmp_path, GOOD)
    monkeypatch.setenv(prof.PROFILE_ENV, str(path))
    assert prof.profile_path() == path
    assert prof.load_profile().code == "XA-TEST"


def test_embedded_profile_is_found_through_resource_path(tmp_path, monkeypatch):
    monkeypatch.delenv(prof.PROFILE_ENV, raising=False)
    write(tmp_path, GOOD, prof.EMBEDDED_NAME)
    monkeypatch.setattr(prof, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert prof.load_profile().code == "XA-TEST"


def test_no_profile_in_a_generic_build(tmp_path, monkeypatch):
    monkeypatch.delenv(prof.PROFILE_ENV, raising=False)
    monkeypatch.setattr(prof, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert prof.load_profile() is None


def test_first_run_creates_office_counters_officers(memory_store):
    assert prof.apply_profile_if_new(memory_store, prof.parse_profile(GOOD, "XA-TEST.toml"))
    offices = OfficeService(memory_store)
    office = offices.office()
    assert (office.code, office.name) == ("XA-TEST", "Trung tâm Phục vụ hành chính công xã Tân Hòa")
    assert [c.name for c in offices.counters()] == ["Quầy 1", "Quầy 2"]
    assert [(o.name, o.role) for o in offices.officers()] == [
        ("Lê Thị Hồng", Role.SUPERVISOR),
        ("Trần Văn Đức", Role.OFFICER),
    ]
    applied = settings.OFFICE_PROFILE_APPLIED.get(memory_store)
    assert applied["code"] == "XA-TEST" and applied["source"] == "XA-TEST.toml"


def test_existing_office_is_never_overwritten(memory_store):
    offices = OfficeService(memory_store)
    office = offices.save_office(Office(code="OLD", name="Đơn vị cũ"))
    offices.add_counter(office.id, "Quầy A")
    assert not prof.apply_profile_if_new(memory_store, prof.parse_profile(GOOD))
    assert offices.office().code == "OLD"
    assert [c.name for c in offices.counters()] == ["Quầy A"]
    assert offices.officers() == []


def test_applied_once_only(memory_store):
    p = prof.parse_profile(GOOD)
    assert prof.apply_profile_if_new(memory_store, p)
    assert not prof.apply_profile_if_new(memory_store, p)
    assert len(OfficeService(memory_store).counters()) == 2


def test_nothing_to_apply_without_a_profile(memory_store, tmp_path, monkeypatch):
    monkeypatch.delenv(prof.PROFILE_ENV, raising=False)
    monkeypatch.setattr(prof, "resource_path", lambda *parts: tmp_path.joinpath(*parts))
    assert not prof.apply_profile_if_new(memory_store)
    assert OfficeService(memory_store).office() is None


def test_failure_half_way_leaves_no_office(memory_store, monkeypatch):
    p = prof.parse_profile(GOOD)

    def boom(self, *args, **kwargs):
        raise RuntimeError("disk gone")

    monkeypatch.setattr(OfficeService, "add_officer", boom)
    with pytest.raises(RuntimeError):
        prof.apply_profile_if_new(memory_store, p)
    monkeypatch.undo()
    assert OfficeService(memory_store).office() is None
    assert prof.apply_profile_if_new(memory_store, p)  # the next start tries again


def test_applied_to_a_real_file_database(file_store, tmp_path, monkeypatch):
    monkeypatch.setenv(prof.PROFILE_ENV, str(write(tmp_path, GOOD)))
    assert prof.apply_profile_if_new(file_store)
    assert OfficeService(file_store).office().code == "XA-TEST"
