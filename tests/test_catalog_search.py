"""The one procedure search: folding, ranking table, abbreviations, usage, favourites."""

from __future__ import annotations

import unicodedata
from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from counter_app.catalog.abbreviations import AbbreviationService
from counter_app.catalog.procedures import ProcedureService
from counter_app.catalog.search import CatalogueSearch
from counter_app.domain.models import SessionProcedure
from counter_app.domain.text import fold


@pytest.fixture(scope="module")
def index():
    from counter_app.storage.database import open_memory_store

    store = open_memory_store()
    yield CatalogueSearch(store)
    store.close(backup_on_exit=False)


# What officers type → the procedure they mean, first in the list (a new install).
SEARCH_TABLE = [
    ("khai sinh", "1.001193"),
    ("dang ky khai sinh", "1.001193"),
    ("1001193", "1.001193"),
    ("ks", "1.001193"),
    ("1.001193", "1.001193"),
    ("Đăng ký khai sinh", "1.001193"),
    ("ĐĂNG KÝ KHAI SINH", "1.001193"),
    ("dk khai sinh", "1.001193"),
    ("dang ky ks", "1.001193"),
    ("dk ks", "1.001193"),
    ("  khai   sinh ", "1.001193"),
    ("khai tu", "1.000656"),
    ("dk kt", "1.000656"),
    ("ket hon", "1.000894"),
    ("dk kh", "1.000894"),
    ("kh", "1.000894"),
    ("thuong tru", "1.004222"),
    ("dang ky thuong tru", "1.004222"),
    ("dk tam tru", "1.004194"),
    ("tam vang", "1.003677"),
    ("xoa dang ky thuong tru", "1.003197"),
    ("cap the bhyt", "1.014137"),
    ("the bao hiem y te", "1.014137"),
    ("ban sao trich luc", "2.000635"),
    ("chung thuc ban sao", "2.000815"),
    ("chung thuc di chuc", "2.001019"),
    ("nhan cha me con", "1.001022"),
    ("giam ho", "1.004837"),
    ("xac nhan tinh trang hon nhan", "1.004873"),
    ("tthn", "1.004873"),
    ("khai sinh luu dong", "1.003583"),
    ("dang ky lai khai sinh", "1.004884"),
    ("ket hon yeu to nuoc ngoai", "2.000806"),
    ("dk kh ytnn", "2.000806"),
    ("lltp", "3.000333"),
    ("1.004222", "1.004222"),
    ("1.0042", "1.004222"),
    ("1000656", "1.000656"),
    ("2.000815", "2.000815"),
    ("1.012753.H19", "1.012753"),
    ("1.000110.000.00.00.H01", "1.000110"),
    ("dang ky thanh lap ho kinh doanh", "1.001612"),
    ("Mã 1.001193,", "1.001193"),
    ("khaisinh", "1.001193"),
    ("dang ki khai sinh", "1.001193"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCH_TABLE)
def test_search_table_first_result(index, query, expected):
    hits = index.search(query, limit=5)
    assert hits, query
    assert hits[0].code == expected, [(h.code, h.name) for h in hits]


def test_empty_query_and_nonsense_find_nothing(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("zzqxw") == []


def test_limit_and_hit_fields(index):
    hits = index.search("dang ky", limit=7)
    assert len(hits) == 7
    hit = index.search("khai sinh", limit=1)[0]
    assert (hit.name, hit.field) == ("Thủ tục đăng ký khai sinh", "Hộ tịch")
    assert hit.score > 0 and not hit.favourite


def test_ranking_tiers(index):
    exact = index.search("1.001193")[0]
    prefix = index.search("1.00119")[0]
    name_prefix = index.search("dang ky khai sinh")[0]
    all_words = index.search("khai sinh")[0]
    assert exact.score > prefix.score > name_prefix.score > all_words.score


def test_substring_inside_a_word_matches(index):
    # "thuong" is found inside a word, not only as a word start ("thuongtru" never).
    assert any(h.code == "1.004222" for h in index.search("huong tru", limit=50))


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(st.text())
def test_fold_leaves_no_combining_marks(text):
    folded = fold(text)
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))
    assert "đ" not in folded and "Đ" not in folded


@given(st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyÁÀẢÃẠĐđẮẰẲẴẶấầẩẫậ ", max_size=30))
def test_fold_of_vietnamese_is_plain_ascii(text):
    folded = fold(text)
    assert folded.isascii()
    assert not any(unicodedata.combining(ch) for ch in unicodedata.normalize("NFD", folded))


def test_fold_maps_d_stroke():
    assert fold("Đăng ký đất đai") == "dang ky dat dai"
    assert fold("ĐƯỜNG") == "duong"


def test_abbreviations_are_editable_data(memory_store):
    search = CatalogueSearch(memory_store)
    assert search.search("hnx") == []
    AbbreviationService(memory_store).add("HNX", "xác nhận tình trạng hôn nhân")
    search.refresh()
    assert search.search("hnx")[0].code == "1.004873"
    abbreviation = next(a for a in AbbreviationService(memory_store).list() if a.short == "hnx")
    AbbreviationService(memory_store).set_active(abbreviation.id, False)
    search.refresh()
    assert search.search("hnx") == []


def test_recent_use_by_this_counter_ranks_first(world):
    # "Gia hạn tạm trú" and "Đăng ký tạm trú" tie on text; counter 1 registers a lot.
    search = CatalogueSearch(world.store, clock=world.clock)
    assert search.search("tam tru")[0].code == "1.002755"
    outcome = world.lookup("outcome", "submitted")
    for minutes in (30, 60, 90):
        world.save(
            procedures=[SessionProcedure("1.004194", outcome)],
            started_at=world.clock() - timedelta(minutes=minutes),
        )
    search.refresh()
    assert search.search("tam tru", counter_id=world.counter1.id)[0].code == "1.004194"
    # another counter's habits do not change this counter's list
    assert search.search("tam tru", counter_id=world.counter2.id)[0].code == "1.002755"


def test_old_use_does_not_count(world):
    outcome = world.lookup("outcome", "submitted")
    world.save(
        procedures=[SessionProcedure("1.004194", outcome)],
        started_at=world.clock() - timedelta(days=120),
        backdated_reason="Nhập bù sổ giấy",
    )
    search = CatalogueSearch(world.store, clock=world.clock)
    assert search.search("tam tru", counter_id=world.counter1.id)[0].code == "1.002755"


def test_favourites_are_pinned_within_their_match(memory_store):
    ProcedureService(memory_store).set_favourite("1.003583", True)
    search = CatalogueSearch(memory_store)
    first = search.search("khai sinh")[0]
    assert first.code == "1.003583" and first.favourite
    # a favourite never beats an exact code
    assert search.search("1.001193")[0].code == "1.001193"
    assert [h.code for h in search.favourites()] == ["1.003583"]


def test_retired_procedures_are_hidden_unless_asked(memory_store):
    ProcedureService(memory_store).set_active("1.001193", False)
    search = CatalogueSearch(memory_store)
    assert all(h.code != "1.001193" for h in search.search("khai sinh", limit=50))
    assert search.search("khai sinh", include_retired=True)[0].code == "1.001193"
    assert search.get("1.001193") is not None


@pytest.mark.parametrize("eth", ["Ð", "ð"])
def test_look_alike_eth_folds_like_d(eth):
    """Names pasted from old documents often carry U+00D0 "Ð" instead of "Đ"."""
    assert fold(f"{eth}ăng ký") == fold("Đăng ký") == "dang ky"


def test_a_name_with_the_look_alike_eth_is_found(memory_store):
    name = "Ðăng ký hoạt động tín ngưỡng Ðặc biệt"
    with memory_store.transaction() as db:
        db.execute(
            "INSERT INTO procedure (code, full_code, name, name_folded, source) "
            "VALUES ('2.999001', '2.999001', ?, ?, 'import')",
            [name, fold(name)],
        )  # folded as every writer stores it
    index = CatalogueSearch(memory_store)
    for query in (
        "dang ky hoat dong tin nguong dac biet",
        "Đăng ký hoạt động tín ngưỡng Đặc biệt",
        "dac biet",
    ):
        assert [h.code for h in index.search(query, limit=3)][:1] == ["2.999001"], query


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("ĐĂNG KÍ KẾT HÔN", "1.000894"),
        ("dang ki ket hon", "1.000894"),
        ("đăng kí khai sinh", "1.001193"),
        ("li lich tu phap", None),
    ],
)
def test_i_and_y_spellings_find_the_same_procedure(index, query, code):
    """ "kí"/"ký", "lí"/"lý" are both correct Vietnamese; officers type either."""
    y_spelled = query.replace("KÍ", "KÝ").replace("kí", "ký").replace("ki ", "ky ")
    y_spelled = y_spelled.replace("li ", "ly ")
    got = [h.code for h in index.search(query, limit=5)]
    assert got == [h.code for h in index.search(y_spelled, limit=5)]
    if code:
        assert got[0] == code
