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


def _no_favourites(store) -> None:
    """A test of ranking by favourites or use starts from none (a new install has nine)."""
    store.db.execute("UPDATE procedure SET favourite = 0")


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
    # issue 13: numbers match without their leading zeros ("mức độ 02")
    ("muc 2", "3.000228"),
    ("mức độ 2", "3.000228"),
    ("muc do 02", "3.000228"),
    # issue 13: more of what officers type at a commune counter
    ("dinh danh muc 2", "3.000228"),
    ("tai khoan dinh danh muc do 2", "3.000228"),
    ("trich luc khai sinh", "2.000635"),
    ("ban sao giay khai sinh", "2.000635"),
    ("cai chinh ho tich", "1.004859"),
    ("xac dinh lai dan toc", "1.004859"),
    ("dang ky giam ho", "1.004837"),
    ("tach thua", "1.012784"),
    ("khai tu luu dong", "1.000419"),
    ("ket hon luu dong", "1.000593"),
    ("xac nhan cu tru", "1.010041"),
    ("muc do khuyet tat", "1.001699"),
    ("cap doi can cuoc", "1.014063"),
    ("cap lai can cuoc", "1.014064"),
    ("gia han tam tru", "1.002755"),
    ("xoa tam tru", "1.010028"),
    ("khai bao tam vang", "1.003677"),
    ("tạm vắng", "1.003677"),
    ("hoa giai tranh chap dat dai", "1.012812"),
    ("thay doi noi dung ho kinh doanh", "2.000720"),
    ("dang ky lai khai tu", "1.005461"),
    ("ket hon co yeu to nuoc ngoai", "2.000806"),
    ("lien thong khai sinh thuong tru bhyt", "2.000986"),
    ("chứng thực di chúc", "2.001019"),
    ("xác nhận tình trạng hôn nhân", "1.004873"),
    ("nhận cha mẹ con", "1.001022"),
    ("Đăng ký tạm trú", "1.004194"),
    ("khai tử", "1.000656"),
    ("kết hôn biên giới", "1.000094"),
    ("thuong binh", "1.010806"),
    ("dk thuong tru", "1.004222"),
    ("xoa dk tt", "1.003197"),
    ("bhxh tu nguyen", "1.002179"),
]


@pytest.mark.parametrize(("query", "expected"), SEARCH_TABLE)
def test_search_table_first_result(index, query, expected):
    hits = index.search(query, limit=5)
    assert hits, query
    assert hits[0].code == expected, [(h.code, h.name) for h in hits]
    assert not hits[0].tentative  # every word matched: Ctrl+Enter may add it


def test_the_search_table_is_large():
    """The table the closing note reports on: issue 13 asked for 20 more real queries."""
    assert len(SEARCH_TABLE) >= 45 + 3 + 20


@pytest.mark.parametrize("query", ["bien dong dat", "biến động đất", "BIẾN ĐỘNG ĐẤT"])
def test_a_change_of_land_registration_is_not_about_the_sea(index, query):
    """ "biển" (sea) and "biến" (change) fold alike: the words standing together as typed
    ("biến động") and the marks when typed decide, not the shortest name."""
    hits = index.search(query, limit=5)
    assert "biến động" in hits[0].name, [(h.code, h.name) for h in hits]
    assert all("biển" not in h.name for h in hits), [(h.code, h.name) for h in hits]


@pytest.mark.parametrize(
    ("query", "word", "other"),
    [("biển số xe", "biển", "biến"), ("biến động", "biến", "biển"), ("biên giới", "biên", "biển")],
)
def test_a_word_typed_with_marks_prefers_that_exact_word(index, query, word, other):
    hits = index.search(query, limit=10)
    assert word in hits[0].name.lower()
    first_other = next((n for n, h in enumerate(hits) if other in h.name.lower()), len(hits))
    last_exact = max(n for n, h in enumerate(hits) if word in h.name.lower())
    assert first_other > 0 and (first_other > last_exact or first_other == len(hits))


def test_a_word_typed_without_marks_matches_every_marked_form(index):
    """ "bien" is "biển", "biến" and "biên": none of them is left out."""
    names = [h.name.lower() for h in index.search("bien", limit=200)]
    for marked in ("biển", "biến", "biên"):
        assert any(marked in n for n in names), marked


def test_a_typo_offers_suggestions_that_are_never_sure(index):
    """ "khai sihn": nothing matches every word; the names with "khai" and a word one
    slip from "sihn" are offered, flagged as suggestions (never added unseen)."""
    hits = index.search("khai sihn", limit=10)
    assert hits and all(h.tentative for h in hits)
    assert "1.001193" in [h.code for h in hits[:3]]
    assert not index.search("khai sinh", limit=1)[0].tentative


def test_some_words_only_are_suggestions_with_the_telling_word_first(index):
    """ "dang ky tam vang" (no name has all four): the rare word "vắng" outweighs the
    common "đăng ký"."""
    hits = index.search("dang ky tam vang", limit=5)
    assert hits[0].code == "1.003677" and all(h.tentative for h in hits)


def test_empty_query_and_nonsense_find_nothing(index):
    assert index.search("") == []
    assert index.search("   ") == []
    assert index.search("zzqxw") == []


def test_limit_and_hit_fields(index):
    hits = index.search("dang ky", limit=7)
    assert len(hits) == 7
    hit = index.search("khai sinh", limit=1)[0]
    assert (hit.name, hit.field) == ("Thủ tục đăng ký khai sinh", "Hộ tịch")
    assert hit.score > 0 and hit.favourite  # one of a new install's nine


def test_ranking_tiers(index):
    exact = index.search("1.001193")[0]
    prefix = index.search("1.00119")[0]
    whole_words = index.search("dang ky khai sinh")[0]
    prefixes = index.search("dang ky khai si")[0]
    compact = index.search("khaisinh")[0]
    typo = index.search("khai sihn")[0]
    some_words = index.search("khai sinh zzqxw")[0]
    assert exact.score > prefix.score > whole_words.score > prefixes.score > compact.score
    assert compact.score > typo.score > some_words.score
    assert [h.tentative for h in (compact, typo, some_words)] == [False, True, True]


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
    _no_favourites(world.store)
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
    _no_favourites(world.store)
    outcome = world.lookup("outcome", "submitted")
    world.save(
        procedures=[SessionProcedure("1.004194", outcome)],
        started_at=world.clock() - timedelta(days=120),
        backdated_reason="Nhập bù sổ giấy",
    )
    search = CatalogueSearch(world.store, clock=world.clock)
    assert search.search("tam tru", counter_id=world.counter1.id)[0].code == "1.002755"


def test_a_favourite_used_often_comes_first_for_a_word_it_has(world):
    """ "khai": the starred "đăng ký khai sinh" this counter used 21 times comes before
    never-used names that merely start with "Khai báo …" (issue 13)."""
    _no_favourites(world.store)
    ProcedureService(world.store).set_favourite("1.001193", True)
    outcome = world.lookup("outcome", "submitted")
    for n in range(21):
        world.save(
            procedures=[SessionProcedure("1.001193", outcome)],
            started_at=world.clock() - timedelta(minutes=5 * n + 5),
        )
    search = CatalogueSearch(world.store, clock=world.clock)
    hits = search.search("khai", counter_id=world.counter1.id, limit=10)
    assert hits[0].code == "1.001193" and hits[0].favourite
    assert hits[1].name.startswith("Khai")  # then the names that start with it


def test_this_counters_use_ranks_within_the_same_tier_before_a_name_start(world):
    """Without a star: three uses of "đăng ký khai tử" lift it above "Khai báo …"."""
    _no_favourites(world.store)
    outcome = world.lookup("outcome", "submitted")
    for n in range(3):
        world.save(
            procedures=[SessionProcedure("1.000656", outcome)],
            started_at=world.clock() - timedelta(hours=n + 1),
        )
    search = CatalogueSearch(world.store, clock=world.clock)
    assert search.search("khai", counter_id=world.counter1.id)[0].code == "1.000656"
    assert search.search("khai", counter_id=world.counter2.id)[0].code != "1.000656"


def test_recent_use_is_read_on_the_runner_and_kept_up_to_date_after_saves(world):
    """The count of this counter's use is read by a job with its own connection, never
    inside a keystroke; a save adds to it without reading the table again (issue 15)."""
    _no_favourites(world.store)
    outcome = world.lookup("outcome", "submitted")
    world.save(procedures=[SessionProcedure("1.004194", outcome)])
    jobs = []
    search = CatalogueSearch(
        world.store, clock=world.clock, runner=lambda job, done, key=None: jobs.append((job, done))
    )
    first = search.search("tam tru", counter_id=world.counter1.id)[0]
    assert first.code == "1.002755" and len(jobs) == 1  # not known yet: a job was asked
    search.search("tam tr", counter_id=world.counter1.id)
    assert len(jobs) == 1  # one read at a time
    job, done = jobs.pop()
    done(job(), None)  # the worker's result reaches the Tk thread
    assert search.search("tam tru", counter_id=world.counter1.id)[0].code == "1.004194"
    assert jobs == []
    search.note_use(world.counter1.id, ["1.002755"], n=2)  # a batch of two just saved
    assert search.search("tam tru", counter_id=world.counter1.id)[0].code == "1.002755"
    assert jobs == []


def test_a_failed_usage_read_is_tried_again(world):
    jobs = []
    search = CatalogueSearch(
        world.store, clock=world.clock, runner=lambda job, done, key=None: jobs.append(done)
    )
    search.search("tam tru", counter_id=world.counter1.id)
    jobs.pop()(None, RuntimeError("disk"))
    search.search("tam tru", counter_id=world.counter1.id)
    assert len(jobs) == 1


def test_the_index_is_built_on_first_use_only(memory_store, monkeypatch):
    """The Catalogue tab shows its list without ever searching: no index to build."""
    import counter_app.catalog.search as search_module

    built = []
    real = search_module.load_index
    monkeypatch.setattr(search_module, "load_index", lambda store: built.append(1) or real(store))
    search = CatalogueSearch(memory_store)
    search.refresh()
    assert built == []
    search.search("khai sinh")
    search.search("ket hon")
    assert built == [1]


def test_favourites_are_pinned_within_their_match(memory_store):
    _no_favourites(memory_store)
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
