"""The province-wide quick search's index (aggregate/title_index.py) and its sources and publishing
(aggregate/quick_search.py). What a citizen meets in Chromium is in test_search.py (section 2)."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path
from types import SimpleNamespace

import pytest

from aggregate import quick_search, title_index
from aggregate.title_index import Item
from portal import exports

UNITS = [{"ma": "tinh", "ten": "Ủy ban nhân dân tỉnh Đông Sơn", "goc": "https://dongson.gov.vn"},
         {"ma": "stp", "ten": "Sở Tư pháp tỉnh Đông Sơn", "goc": "https://stp.dongson.gov.vn"}]
KINDS = [{"ma": "tin-tuc", "ten": "Tin tức - Sự kiện"}, {"ma": "thu-tuc", "ten": "Thủ tục hành chính"}]


def lookup(files: dict, word: str) -> list[int]:
    """The item numbers of ``word`` as the page reads them: its shard, then the differences added up."""
    manifest = json.loads(files[title_index.MANIFEST])
    shard = json.loads(files[f"tu/{title_index.fnv1a(word) % manifest['so_manh']}.json"])
    numbers, at = [], 0
    for delta in shard.get(word, []):
        at += delta
        numbers.append(at)
    return numbers


def rows(files: dict, numbers: list[int]) -> list[list]:
    size = json.loads(files[title_index.MANIFEST])["khoi"]
    return [json.loads(files[f"muc/{n // size}.json"])[n % size] for n in numbers]


def test_words_fold_as_typed_pasted_or_decomposed():
    assert title_index.words("Đăng ký KHAI SINH") == ["dang", "ky", "khai", "sinh"]
    assert title_index.words(unicodedata.normalize("NFD", "Đăng ký khai sinh")) == ["dang", "ky", "khai", "sinh"]
    assert title_index.words("Ðăng ký (eth dán nhầm)")[:2] == ["dang", "ky"]
    assert title_index.words("Công văn 2316/UBND-NC") == ["cong", "van", "2316", "ubnd", "nc"]
    assert title_index.words("1.001193.000.00.00.H96") == ["1", "001193", "000", "00", "h96"]
    assert title_index.words("中文 😀 " + "x" * 41) == []  # not Latin, or too long to be a word anyone types
    assert title_index.spelt("Đắk Nông, dak nong") == ["đắk", "nông"]
    assert title_index.spelt(unicodedata.normalize("NFD", "Đắk")) == ["đắk"]


def test_fnv1a_is_the_32_bit_hash_the_page_computes():
    assert title_index.fnv1a("") == 0x811C9DC5
    assert title_index.fnv1a("a") == 0xE40C292C  # the published FNV-1a test vector
    assert title_index.fnv1a("foobar") == 0xBF9CF968


def _items() -> list[Item]:
    return title_index.order([
        Item("Đăng ký khai sinh", "https://stp.dongson.gov.vn/thu-tuc/khai-sinh.html", 1, 1, "2026-05-02",
             "1.001193.000.00.00.H96"),
        Item("Đăng ký kết hôn", "https://stp.dongson.gov.vn/thu-tuc/ket-hon.html", 1, 1, "2026-05-02"),
        Item("Đoàn công tác Đắk Nông", "https://dongson.gov.vn/tin-tuc/dak-nong.html", 0, 0, "2026-11-20"),
        Item("Giới thiệu chung", "https://dongson.gov.vn/trang/gioi-thieu.html", 0, 0, ""),
        Item("<script>alert(1)</script> Tin «lạ»", "https://dongson.gov.vn/tin-tuc/la.html", 0, 0, "2026-01-01"),
    ])


def test_items_are_numbered_newest_first_and_found_by_every_word_and_filter():
    items = _items()
    assert [i.day for i in items] == ["2026-11-20", "2026-05-02", "2026-05-02", "2026-01-01", ""]
    assert items[1].url < items[2].url  # a tie in date is broken by address, so the numbering is stable
    generation, files = title_index.build(items, UNITS, KINDS)
    manifest = json.loads(files[title_index.MANIFEST])
    assert manifest["the_he"] == generation and manifest["so_muc"] == 5
    assert manifest["so_manh"] == title_index.MIN_SHARDS
    assert [u["so_muc"] for u in manifest["don_vi"]] == [3, 2] and [k["so_muc"] for k in manifest["loai"]] == [3, 2]
    assert lookup(files, "dang") == [1, 2] and lookup(files, "001193") == [2]
    assert lookup(files, "=đăng") == [1, 2] and lookup(files, "=đắk") == [0] and lookup(files, "dak") == [0]
    assert lookup(files, "~u0") == [0, 3, 4] and lookup(files, "~k1") == [1, 2]
    assert lookup(files, "script") == [3]  # the markup of a title is text, found and shown as written
    assert rows(files, [3])[0][0] == "<script>alert(1)</script> Tin «lạ»"
    assert rows(files, [2]) == [["Đăng ký khai sinh", "https://stp.dongson.gov.vn/thu-tuc/khai-sinh.html", 1, 1,
                                 "2026-05-02", "1.001193.000.00.00.H96"]]
    assert lookup(files, "khong-co") == [] and lookup(files, "~u9") == []
    assert json.loads(files["dau/da.json"]) == {"dak": 1, "dang": 2}  # what a last word being typed may be
    assert json.loads(files["dau/sc.json"]) == {"script": 1} and not [f for f in files if f.startswith("dau/=")]


def test_the_same_items_give_the_same_files_and_a_change_a_new_generation():
    first, files = title_index.build(_items(), UNITS, KINDS)
    again, same = title_index.build(_items(), UNITS, KINDS)
    assert (first, files) == (again, same)
    items = _items()
    items[0] = Item("Đoàn công tác Đắk Nông (sửa)", items[0].url, 0, 0, items[0].day)
    changed, _ = title_index.build(items, UNITS, KINDS)
    assert changed != first


def test_shards_grow_with_the_vocabulary_and_blocks_with_the_items():
    items = [Item(f"Tin số {n} về từ{n}", f"https://dongson.gov.vn/tin-tuc/{n}.html", 0, 0, "2026-01-01")
             for n in range(450)]
    _, files = title_index.build(title_index.order(items), UNITS, KINDS)
    manifest = json.loads(files[title_index.MANIFEST])
    # 450 words "tuN", as many spelt "=từN", "tin", "so", "ve", "=số", "=về", and the two filter words: 907
    assert manifest["so_manh"] == 256 * 2 and len([f for f in files if f.startswith("tu/")]) == 512
    assert len([f for f in files if f.startswith("muc/")]) == 5
    assert lookup(files, "tu449") == [n for n, i in enumerate(title_index.order(items)) if i.title.endswith("từ449")]


def _catalog(unit: str, records: list[dict]) -> bytes:
    return json.dumps({"phien_ban": "1.2", "loai": "muc-luc", "loai_nhan": "Mục lục thông tin đã đăng",
                       "don_vi": {"ma_cong": unit, "ten": unit, "cap": "so-nganh",
                                  "dia_chi_web": f"https://{unit}.dongson.gov.vn"},
                       "cap_nhat_moi_nhat": None, "so_luong": len(records), "muc": records},
                      ensure_ascii=False).encode()


def _record(unit: str, slug: str, title: str, kind: str = "tin-tuc", **extra) -> dict:
    return {"id": f"{unit}:{slug}", "url": f"https://{unit}.dongson.gov.vn/{kind}/{slug}.html", "tieu_de": title,
            "ngay": "2026-11-01", "loai_muc": kind, "loai_muc_nhan": kind, **extra}


LOCAL = {"ma": "stp", "ten": "Sở Tư pháp", "dia_chi_web": "https://stp.dongson.gov.vn", "noi_bo": True}
REMOTE = {"ma": "syt", "ten": "Sở Y tế", "dia_chi_web": "https://syt.dongson.gov.vn", "noi_bo": False}


def test_sources_come_from_each_units_catalog_or_what_was_fetched_and_keep_the_last_good(tmp_path):
    output, state = tmp_path / "output", tmp_path / "state"
    state.mkdir()
    catalog = output / "stp" / "du-lieu" / "muc-luc.json"
    catalog.parent.mkdir(parents=True)
    catalog.write_bytes(_catalog("stp", [
        _record("stp", "a", "Hướng dẫn chứng thực"),
        _record("stp", "ket-hon", "Đăng ký kết hôn", "thu-tuc", ma_thu_tuc="1.000894.000.00.00.H96")]))
    news = [{"tieu_de": "Tiêm chủng mở rộng", "url": "https://syt.dongson.gov.vn/t/1",
             "ngay": "2026-11-02T08:00:00+07:00"},
            {"tieu_de": "Dài\x07\u0085" + "x" * 500_000, "url": "https://syt.dongson.gov.vn/t/2", "ngay": "2026-11-01"},
            {"tieu_de": "Địa chỉ lạ", "url": "javascript:alert(1)", "ngay": "2026-11-02"}]
    fetched = {"syt": {"tin-tuc": {"data": news}, "thu-tuc": {"data": None}}}
    assert quick_search.collect([LOCAL, REMOTE], fetched, output, state) == {}
    sources = json.loads((state / quick_search.SOURCES).read_text(encoding="utf-8"))
    stp, syt = sources["don_vi"]
    assert [r[0] for r in stp["muc"]] == ["Hướng dẫn chứng thực", "Đăng ký kết hôn"]
    assert stp["muc"][1][4] == "1.000894.000.00.00.H96"
    assert syt["muc"][0] == ["Tiêm chủng mở rộng", "https://syt.dongson.gov.vn/t/1", "tin-tuc", "2026-11-02", ""]
    items, units, _ = quick_search.items_of([], SITE, state)
    assert [u["ma"] for u in units] == ["tinh", "stp", "syt"]
    assert max(len(i.title) for i in items) <= quick_search.TITLE_CHARS
    long = next(i for i in items if i.title.startswith("Dài"))
    assert len(long.title) == quick_search.TITLE_CHARS and long.title.endswith("…") and "\x07" not in long.title
    assert sorted(i.title for i in items if i is not long) == ["Hướng dẫn chứng thực", "Tiêm chủng mở rộng",
                                                               "Đăng ký kết hôn"]
    written = (state / quick_search.SOURCES).stat().st_mtime_ns
    quick_search.collect([LOCAL, REMOTE], fetched, output, state)
    assert (state / quick_search.SOURCES).stat().st_mtime_ns == written  # nothing new: not written again
    catalog.write_bytes(_catalog("stp", [_record("stp", "x", "Địa chỉ lạ", url="javascript:alert(1)")]))
    assert "không đúng định dạng xuất bản (tại muc/0/url)" in quick_search.collect([LOCAL], {}, output, state)["stp"]
    catalog.write_bytes(b"{ not json")
    errors = quick_search.collect([LOCAL, REMOTE], fetched, output, state)
    assert errors["stp"].startswith("du-lieu/muc-luc.json: ") and "không phải JSON" in errors["stp"]
    kept = json.loads((state / quick_search.SOURCES).read_text(encoding="utf-8"))["don_vi"][0]["muc"]
    assert kept == stp["muc"]  # the last good items
    catalog.unlink()
    assert "chưa có muc-luc.json" in quick_search.collect([LOCAL], fetched, output, state)["stp"]


def _own(title: str, slug: str, day: str = "2026-11-20") -> dict:
    """One of the provincial portal's own items, as its muc-luc export lists it (portal.exports.catalog)."""
    import datetime as dt

    item = SimpleNamespace(title=title, url=f"tin-tuc/{slug}.html", portal_type="tin-tuc", slug=slug,
                           fields={"ngay": dt.date.fromisoformat(day)})
    return exports.catalog([item], {**SITE, "cap": "tinh"})["muc"][0]


SITE = {"id": "tinh", "ten_day_du": "Ủy ban nhân dân tỉnh Đông Sơn", "dia_chi_web": "https://dongson.gov.vn"}


def test_publishing_indexes_only_what_changed_and_keeps_the_generation_before(tmp_path):
    output, state, site_out = tmp_path / "output", tmp_path / "state", tmp_path / "site"
    state.mkdir()
    (output / "stp" / "du-lieu").mkdir(parents=True)
    (output / "stp" / "du-lieu" / "muc-luc.json").write_bytes(_catalog("stp", [_record("stp", "a", "Đăng ký")]))
    quick_search.collect([LOCAL], {}, output, state)
    first = quick_search.publish([_own("Ngày Chuyển đổi số", "cds")], SITE, state, site_out)
    target = site_out / "tong-hop" / "tim-nhanh"
    manifest = json.loads((target / "chi-muc.json").read_text(encoding="utf-8"))
    assert manifest["the_he"] == first and [u["ma"] for u in manifest["don_vi"]] == ["tinh", "stp"]
    shard = target / first / "tu" / "0.json"
    assert shard.is_file() and os.stat(shard).st_ino == os.stat(state / "tim-nhanh" / first / "tu" / "0.json").st_ino
    made = (state / "tim-nhanh" / first / "tu" / "0.json").stat().st_mtime_ns
    again = tmp_path / "site-2"
    assert quick_search.publish([_own("Ngày Chuyển đổi số", "cds")], SITE, state, again) == first
    assert (state / "tim-nhanh" / first / "tu" / "0.json").stat().st_mtime_ns == made  # not indexed again
    second = quick_search.publish([_own("Ngày Chuyển đổi số quốc gia", "cds")], SITE, state, tmp_path / "site-3")
    third = quick_search.publish([_own("Ngày Chuyển đổi số 10/10", "cds")], SITE, state, tmp_path / "site-4")
    assert len({first, second, third}) == 3
    published = tmp_path / "site-4" / "tong-hop" / "tim-nhanh"
    assert sorted(p.name for p in published.iterdir()) == sorted(["chi-muc.json", second, third])
    assert sorted(p.name for p in (state / "tim-nhanh").iterdir() if p.is_dir()) == sorted([second, third])
    assert json.loads((published / "chi-muc.json").read_text(encoding="utf-8"))["the_he"] == third


@pytest.mark.parametrize("damage", ["{", "[]", '{"x": "../../etc"}', '{"phien_ban": 1, "don_vi": [1, {"ma": "a"}]}',
                                    '{"phien_ban": 1, "don_vi": [{"ma": "a", "muc": [["x"], 3, ["t", "u", 1]]}]}'])
def test_a_damaged_record_of_the_index_costs_only_indexing_again(tmp_path, damage):
    state, site_out = tmp_path / "state", tmp_path / "site"
    (state / "tim-nhanh").mkdir(parents=True)
    (state / quick_search.SOURCES).write_text(damage, encoding="utf-8")
    assert quick_search.collect([], {}, tmp_path / "output", state) == {}
    (state / "tim-nhanh" / quick_search.INPUTS).write_text(damage, encoding="utf-8")
    (state / "tim-nhanh" / "thu-tu.json").write_text(damage, encoding="utf-8")
    (state / quick_search.SOURCES).write_text(damage, encoding="utf-8")
    generation = quick_search.publish([_own("Tin", "tin")], SITE, state, site_out)
    assert (site_out / "tong-hop" / "tim-nhanh" / generation / "muc" / "0.json").is_file()
    assert Path(state / "tim-nhanh" / generation).is_dir()
