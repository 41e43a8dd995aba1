"""Bundles, supervisor edits, Vietnamese sort order, built-in updates, the m003 schema."""

from __future__ import annotations

import json

import pytest

from counter_app.catalog import builtin
from counter_app.catalog.bundles import Bundle, BundleService
from counter_app.catalog.procedures import CatalogueEntry, ProcedureService
from counter_app.catalog.sorting import sort_vietnamese, vietnamese_key
from counter_app.domain.validation import ValidationError
from counter_app.services import settings
from counter_app.storage.schema import SCHEMA_VERSION


# -- Vietnamese sort order ------------------------------------------------------------------
def test_letters_in_vietnamese_alphabet_order():
    words = ["đ", "d", "ư", "u", "ơ", "ô", "o", "ê", "e", "â", "ă", "a", "b"]
    assert sort_vietnamese(words) == [
        "a",
        "ă",
        "â",
        "b",
        "d",
        "đ",
        "e",
        "ê",
        "o",
        "ô",
        "ơ",
        "u",
        "ư",
    ]


def test_tones_in_dictionary_order():
    assert sort_vietnamese(["bạ", "bá", "bã", "bả", "bà", "ba"]) == [
        "ba",
        "bà",
        "bả",
        "bã",
        "bá",
        "bạ",
    ]


def test_letters_decide_before_tones():
    # "an" < "ăn" whatever the tones; "bà" < "bác" because letters come first
    assert sort_vietnamese(["ăn", "án", "an"]) == ["an", "án", "ăn"]
    assert sort_vietnamese(["bác", "bà"]) == ["bà", "bác"]


def test_real_names_and_places():
    names = [
        "Đặng Văn Zung",
        "Dương Thị An",
        "Trần Văn Đức",
        "Trần Văn Dũng",
        "Ánh",
        "Anh",
        "Âu Thị Lan",
        "Ăng Văn Bé",
        "Bùi Văn Út",
    ]
    assert sort_vietnamese(names) == [
        "Anh",
        "Ánh",
        "Ăng Văn Bé",
        "Âu Thị Lan",
        "Bùi Văn Út",
        "Dương Thị An",
        "Đặng Văn Zung",
        "Trần Văn Dũng",
        "Trần Văn Đức",
    ]
    assert sorted(
        ["Đồng Tháp", "Điện Biên", "Đà Nẵng", "Cà Mau", "Yên Bái"], key=vietnamese_key
    ) == ["Cà Mau", "Đà Nẵng", "Điện Biên", "Đồng Tháp", "Yên Bái"]


def test_sort_ignores_composition_and_puts_case_last():
    import unicodedata

    decomposed = unicodedata.normalize("NFD", "Đăng ký")
    assert vietnamese_key(decomposed) == vietnamese_key("Đăng ký")
    assert sort_vietnamese(["đăng", "Đăng"]) == ["đăng", "Đăng"]


def test_field_list_is_in_vietnamese_order(memory_store):
    fields = [f for f, _ in ProcedureService(memory_store).fields()]
    assert fields == sort_vietnamese(fields)
    # not code-point order: Đ between D and E, "Hoạt" before "Hộ", "Lao" before "Lâm"
    assert fields.index("Di sản văn hóa") < fields.index("Đất đai") < fields.index("Gia đình")
    assert fields.index("Hoạt động xây dựng") < fields.index("Hộ tịch")
    assert fields.index("Lao động") < fields.index("Lâm nghiệp và Kiểm lâm")


# -- supervisor edits: add, edit, retire/restore, favourites -----------------------------------
def test_add_edit_retire_restore_never_delete(world):
    service = ProcedureService(world.store)
    added = service.save(
        CatalogueEntry("1.999001.H19", "Thủ tục riêng của tỉnh", "Hộ tịch", "Cấp xã"),
        is_new=True,
        officer_id=world.supervisor.id,
    )
    assert (added.code, added.full_code, added.source) == ("1.999001", "1.999001.H19", "local")
    edited = service.save(
        CatalogueEntry("1.999001", "Thủ tục riêng (đổi tên)", "Hộ tịch"),
        is_new=False,
        officer_id=world.supervisor.id,
    )
    assert edited.name == "Thủ tục riêng (đổi tên)" and edited.full_code == "1.999001.H19"
    world.save()  # uses 1.001193
    service.set_active("1.001193", False, world.supervisor.id)
    assert not service.get("1.001193").active
    assert service.usage_count("1.001193") == 1
    assert all(e.code != "1.001193" for e in service.browse("Hộ tịch"))
    assert any(e.code == "1.001193" for e in service.browse("Hộ tịch", include_retired=True))
    service.set_active("1.001193", True, world.supervisor.id)
    assert service.get("1.001193").active
    actions = [
        r[0]
        for r in world.store.db.execute(
            "SELECT action FROM audit WHERE entity = 'procedure' ORDER BY id"
        )
    ]
    assert actions == ["create", "update", "retire", "restore"]


@pytest.mark.parametrize(
    ("entry", "is_new", "field"),
    [
        (CatalogueEntry("abc", "Tên"), True, "code"),
        (CatalogueEntry("1.001193", "Trùng mã"), True, "code"),
        (CatalogueEntry("1.999002", "  "), True, "name"),
        (CatalogueEntry("1.999003", "Chưa có"), False, "code"),
    ],
)
def test_procedure_validation(memory_store, entry, is_new, field):
    with pytest.raises(ValidationError) as info:
        ProcedureService(memory_store).save(entry, is_new=is_new)
    assert info.value.errors[0].field == field
    assert info.value.errors[0].message  # Vietnamese text for the form


def test_fresh_install_has_the_nine_common_commune_favourites(memory_store):
    """Issue 13: Alt+1…9 work from the first session of a new install."""
    from counter_app.storage.schema import DEFAULT_FAVOURITES

    favourites = ProcedureService(memory_store).browse(favourites_only=True)
    assert sorted(e.code for e in favourites) == sorted(DEFAULT_FAVOURITES)
    assert len(DEFAULT_FAVOURITES) == 9


def test_favourites(memory_store):
    memory_store.db.execute("UPDATE procedure SET favourite = 0")  # not the seeded ones
    service = ProcedureService(memory_store)
    service.set_favourite("1.004222", True)
    service.set_favourite("1.001193", True)
    assert [e.code for e in service.browse(favourites_only=True)] == ["1.004222", "1.001193"]


# -- bundles ----------------------------------------------------------------------------------
def test_default_bundles_seeded(memory_store):
    bundles = BundleService(memory_store).list()
    newborn = next(b for b in bundles if "BHYT" in b.name)
    assert newborn.codes == ["1.001193", "1.004222", "1.014137"]


def test_bundle_create_edit_retire(world):
    service = BundleService(world.store)
    saved = service.save(
        Bundle(None, "Kết hôn – Thường trú", ["1.000894", "1.004222"]),
        officer_id=world.supervisor.id,
    )
    assert saved.id is not None
    saved.codes = ["1.004222", "1.000894", "1.004222"]  # reordered, a repeat dropped
    service.save(saved)
    assert service.get(saved.id).codes == ["1.004222", "1.000894"]
    service.retire(saved.id)
    assert all(b.id != saved.id for b in service.list())
    assert not service.get(saved.id).active
    service.restore(saved.id)
    assert any(b.id == saved.id for b in service.list())


@pytest.mark.parametrize(
    ("bundle", "field"),
    [
        (Bundle(None, "", ["1.001193", "1.004222"]), "name"),
        (Bundle(None, "Một thủ tục", ["1.001193"]), "codes"),
        (Bundle(None, "Mã lạ", ["1.001193", "9.999999"]), "codes"),
        (Bundle(None, "Khai tử – Xóa đăng ký thường trú", ["1.001193", "1.004222"]), "name"),
    ],
)
def test_bundle_validation(memory_store, bundle, field):
    with pytest.raises(ValidationError) as info:
        BundleService(memory_store).save(bundle)
    assert field in [e.field for e in info.value.errors]


# -- built-in catalogue updates and schema ----------------------------------------------------
def test_builtin_sync_runs_once_per_file_version(memory_store):
    assert builtin.sync_builtin_catalogue(memory_store) is True
    assert builtin.sync_builtin_catalogue(memory_store) is False
    stored = memory_store.db.execute(
        "SELECT value FROM setting WHERE key = ?", [settings.BUILTIN_CATALOGUE_SHA256.key]
    ).fetchone()[0]
    assert json.loads(stored) == builtin.builtin_digest()


def test_builtin_upgrade_adds_codes_renames_and_keeps_local_edits(world, tmp_path, monkeypatch):
    db = world.store.db
    world.save()  # a session on 1.001193
    ProcedureService(world.store).save(
        CatalogueEntry("1.000656", "Khai tử (tên của tỉnh)"), is_new=False
    )
    ProcedureService(world.store).set_active("1.000894", False)
    builtin.sync_builtin_catalogue(world.store)
    resources = tmp_path / "resources"
    resources.mkdir()
    original = (builtin.resource_path("procedures.csv")).read_text(encoding="utf-8")
    newer = (
        original.replace(
            "1.001193,Thủ tục đăng ký khai sinh,", "1.001193,Thủ tục đăng ký khai sinh (tên mới),"
        )
        .replace("1.000656,Thủ tục đăng ký khai tử,", "1.000656,Khai tử mới,")
        .replace("1.000894,Thủ tục đăng ký kết hôn,", "1.000894,Kết hôn mới,")
        + "1.999999,Thủ tục mới của bản cập nhật,Hộ tịch,Cấp xã,\n"
    )
    (resources / "procedures.csv").write_text(newer, encoding="utf-8")
    monkeypatch.setattr("counter_app.resources.resources_dir", lambda: resources)
    assert builtin.sync_builtin_catalogue(world.store) is True

    def name(code):
        return db.execute("SELECT name, active FROM procedure WHERE code = ?", [code]).fetchone()

    assert name("1.001193") == ("Thủ tục đăng ký khai sinh (tên mới)", 1)
    assert name("1.000656") == ("Khai tử (tên của tỉnh)", 1)  # the supervisor's wording
    assert name("1.000894") == ("Kết hôn mới", 0)  # renamed, still retired
    assert name("1.999999") == ("Thủ tục mới của bản cập nhật", 1)
    assert db.execute("SELECT count(*) FROM session_procedure").fetchone()[0] == 1
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_m003_schema(memory_store):
    db = memory_store.db
    assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION >= 3
    assert {"abbreviation", "bundle", "bundle_item"} <= set(db.table_names())
    shorts = {r[0] for r in db.execute("SELECT short FROM abbreviation")}
    assert {"dk", "gcn", "ks", "kt", "kh", "tt", "bhxh", "bhyt", "cccd", "qsdd"} <= shorts


def test_look_alike_eth_sorts_as_d_with_stroke():
    """Names pasted from old documents carry U+00D0 "Ð" for "Đ": it sorts among the Đ's,
    not after Z."""
    names = ["Ðào", "Dung", "Yến", "Đức", "Em"]
    assert sort_vietnamese(names) == ["Dung", "Ðào", "Đức", "Em", "Yến"]
