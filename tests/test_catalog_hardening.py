"""Catalogue files an office may be handed, read safely (issue 10, item 8): the three
inputs that raised a traceback, control characters, formulas behind spaces, look-alike
digits, invisible and direction-control characters, memory bounds. The whole corpus,
through the command line under a memory cap, is ``test_catalog_corpus.py``."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from counter_app.catalog.import_files import CatalogueImportError
from counter_app.catalog.import_rows import read_catalogue_file
from counter_app.catalog.importer import preview_import
from tests import catalogue_corpus as corpus


def made(tmp_path: Path, name: str) -> Path:
    """One file of the corpus, by name."""
    for case, make in corpus.CASES:
        if case.name == name:
            return make(tmp_path / name)
    raise KeyError(name)


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("ss_index_out_of_range.xlsx", ["hỏng", "dòng 2", "A2"]),
        ("number_cell_holding_text.xlsx", ["dòng 2", "ô A2", "số"]),
        ("date_cell_holding_garbage.xlsx", ["dòng 2", "ô A2", "ngày"]),
    ],
)
def test_the_three_tracebacks_are_messages(tmp_path, name, words):
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_file(made(tmp_path, name))
    message = str(info.value)
    assert name in message and all(w in message for w in words), message


@pytest.mark.parametrize(
    "name",
    [
        "formula_behind_space.csv",
        "formula_behind_tab.csv",
        "dde_plus.csv",
        "dde_minus.csv",
        "at_sum.csv",
        "formula_as_text_xlsx.xlsx",
    ],
)
def test_a_formula_behind_spaces_or_in_csv_injection_form_is_refused(tmp_path, name):
    with pytest.raises(CatalogueImportError) as info:
        read_catalogue_file(made(tmp_path, name))
    assert "công thức" in str(info.value)


def test_a_name_starting_with_a_dash_is_not_a_formula(tmp_path):
    path = corpus.csv_rows(tmp_path / "dash.csv", [["1.999201", "- Thủ tục có gạch đầu dòng", ""]])
    (row,) = read_catalogue_file(path).rows
    assert row.name == "- Thủ tục có gạch đầu dòng"


def test_control_characters_and_escape_codes_are_stripped(tmp_path):
    parsed = read_catalogue_file(made(tmp_path, "ansi_codes_in_names.csv"))
    (row,) = parsed.rows
    assert row.name == "Thủ tục đỏ mới" and row.field == "Hộ tịch"
    (row,) = read_catalogue_file(made(tmp_path, "c1_controls.csv")).rows
    assert all(ord(ch) >= 32 and not 0x7F <= ord(ch) <= 0x9F for ch in row.name)


@pytest.mark.parametrize(
    "name",
    [
        "fullwidth_digits.csv",
        "arabic_indic_digits.csv",
        "devanagari_digits.xlsx",
        "zero_width_in_code.csv",
        "nbsp_in_code.csv",
    ],
)
def test_look_alike_digits_become_the_one_code(memory_store, tmp_path, name):
    preview = preview_import(memory_store, made(tmp_path, name))
    assert [r.code for r in preview.parsed.rows] == ["1.001193"]
    assert preview.new == []  # never a second "1.001193"


@pytest.mark.parametrize("name", ["letter_lookalikes.csv", "superscript_digits.csv"])
def test_other_look_alikes_are_refused(tmp_path, name):
    parsed = read_catalogue_file(made(tmp_path, name))
    assert [r.row for r in parsed.rejected] == [2]
    assert all(r.code.isascii() for r in parsed.rows)


def test_invisible_and_direction_controls(tmp_path):
    parsed = read_catalogue_file(made(tmp_path, "zero_width_only_name.csv"))
    assert [r.row for r in parsed.rejected] == [2]
    parsed = read_catalogue_file(made(tmp_path, "bidi_override_name.csv"))
    assert [r.row for r in parsed.rejected] == [2] and "ẩn" in parsed.rejected[0].reason
    (row,) = read_catalogue_file(made(tmp_path, "zero_width_inside_name.csv")).rows
    assert row.name == "Đăng ký mới"


@pytest.mark.slow  # tracemalloc makes the parse of a million strings slow
@pytest.mark.parametrize(
    "name",
    [
        "shared_strings_bomb.xlsx",
        "lying_zip_sizes.xlsx",
        "many_tiny_shared_strings.xlsx",
        "too_much_text.xlsx",
        "entity_expansion.xlsx",
    ],
)
def test_hostile_packages_are_refused_in_bounded_memory(tmp_path, name):
    path = made(tmp_path, name)
    tracemalloc.start()
    try:
        with pytest.raises(CatalogueImportError) as info:
            read_catalogue_file(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert name in str(info.value)
    assert peak < 150 * 1024 * 1024, f"{peak / 1e6:.0f} MB"


def test_messages_carry_no_library_english(tmp_path):
    for name in [
        "broken_sheet_xml.xlsx",
        "styles_garbage.xlsx",
        "truncated_zip.xlsx",
        "field_too_long.csv",
    ]:
        try:
            read_catalogue_file(made(tmp_path, name))
        except CatalogueImportError as exc:
            text = str(exc).replace(name, "")
            for english in ("line ", "column", "token", "Error", "invalid", "zip file"):
                assert english not in text, text
