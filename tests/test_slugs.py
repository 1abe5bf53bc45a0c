"""Vietnamese titles become stable ASCII slugs; long ones are shortened to stay readable and distinct."""

import re
from collections import Counter

import pytest
from conftest import ROOT, SITES, build, copy_case

from portal import check, console
from portal.slugs import MAX_LENGTH, slugify, words


def test_vietnamese_to_ascii():
    assert slugify("Đẩy mạnh chuyển đổi số trong công tác tư pháp") == "day-manh-chuyen-doi-so-trong-cong-tac-tu-phap"
    assert slugify("Quyết định 12/2026/QĐ-UBND") == "quyet-dinh-12-2026-qd-ubnd"
    assert slugify("ĐƯỜNG Hồ Chí Minh") == "duong-ho-chi-minh"


def test_nfd_input_gives_the_same_slug():
    import unicodedata
    title = "Thủ tục hành chính cấp xã"
    assert slugify(unicodedata.normalize("NFD", title)) == slugify(title) == "thu-tuc-hanh-chinh-cap-xa"


def test_long_titles_cut_at_a_word():
    slug = slugify("Hội nghị " * 30)
    assert len(slug) <= 80 and not slug.endswith("-") and slug.startswith("hoi-nghi-hoi-nghi")


# ---- Long titles: shortened to stay readable and distinct (tests/sites/long-titles/) ----
LONG = SITES / "long-titles"
UNIT = "content/so-nnmt"


def cut_as_before(title: str) -> str:
    """The rule until issue 12: the slug cut at the last word within 80 characters."""
    slug = "-".join(words(title)[0])
    return slug if len(slug) <= 80 else slug[:80].rsplit("-", 1)[0]


@pytest.fixture(scope="module")
def series():
    result = check.check_site(LONG / UNIT, LONG)
    assert result.ok, console.format_problems(result.problems)
    return {d.rel.removeprefix(f"{UNIT}/"): d for d in result.documents}


BUDGET_TAILS = {  # file → how its address ends: the distinguishing tail kept
    "2025-04-10-quy-1.md": "-quy-i", "2025-07-10-quy-2.md": "-quy-ii", "2025-10-10-quy-3.md": "-quy-iii",
    "2025-12-28-quy-4.md": "-quy-iv", "2025-07-15-6-thang.md": "-nam-2025-6-thang-dau",
    "2025-10-12-9-thang.md": "-9-thang", "2025-05-20-dieu-chinh-1.md": "-lan-1",
    "2025-09-20-dieu-chinh-2.md": "-lan-2",
    "2025-01-05-giao-du-toan.md": "-nam-2025-so-1520-qd-snnmt-ngay-25-12-2024",
    "2025-06-30-quyet-toan-2024.md": "-quyet-toan-ngan-sach-nha-nuoc-nam-2024-cua-so-nong-nghiep-va-moi",
}


def test_ten_budget_disclosures_sharing_their_beginning_get_ten_readable_addresses(series):
    budget = {name.removeprefix("ngan-sach/"): d for name, d in series.items() if name.startswith("ngan-sach/")}
    assert set(budget) == set(BUDGET_TAILS)
    assert max(Counter(cut_as_before(d.title) for d in budget.values()).values()) == 9  # the 9 of 10
    assert len({d.url for d in budget.values()}) == 10
    for name, doc in budget.items():
        assert doc.slug.endswith(BUDGET_TAILS[name]) and len(doc.slug) <= MAX_LENGTH, doc.slug
        assert doc.slug.startswith("cong-khai-") and "--" not in doc.slug
    # nothing distinguishing lay beyond the limit: cut exactly as before
    assert budget["2025-06-30-quyet-toan-2024.md"].slug == cut_as_before(budget["2025-06-30-quyet-toan-2024.md"].title)


def test_news_sharing_a_prefix_keep_their_dates_classes_and_ordinals(series):
    news = {name.removeprefix("tin-tuc/"): d.slug for name, d in series.items() if name.startswith("tin-tuc/")}
    assert len(set(news.values())) == len(news) == 7
    tails = {"2025-03-02-lop-1.md": "-nam-2025-lop-1", "2025-03-09-lop-2.md": "-nam-2025-lop-2",
             "2025-03-15-ngay-15.md": "-nam-2025-ngay-15-3-2025", "2025-03-22-ngay-22.md": "-nam-2025-ngay-22-3-2025",
             "2025-04-01-lan-thu-nhat.md": "-lan-thu-nhat", "2025-04-08-lan-thu-hai.md": "-lan-thu-hai"}
    for name, tail in tails.items():
        assert news[name].startswith("tap-huan-nghiep-vu-quan-ly-chat-luong") and news[name].endswith(tail)
    assert news["2025-04-15-ngan.md"] == "tap-huan-nghiep-vu-quan-ly-chat-luong-nong-lam-thuy-san-cho-can-bo-cap-xa"


@pytest.mark.parametrize("title, slug", [
    ("Thông báo lịch tiếp công dân định kỳ của Chủ tịch UBND tỉnh tháng 5 và tháng 6 năm 2026",
     "thong-bao-lich-tiep-cong-dan-dinh-ky-cua-chu-tich-thang-5-va-thang-6-nam-2026"),
    ("Kế hoạch chỉnh trang đô thị, xây dựng phường Hồ Sen văn minh, hiện đại giai đoạn 2026 - 2030",
     "ke-hoach-chinh-trang-do-thi-xay-dung-phuong-ho-sen-van-minh-giai-doan-2026-2030"),
    ("Sở Tư pháp rà soát Trang thông tin điện tử theo Nghị định số 224/2026/NĐ-CP ngày 01/7/2026 của Chính phủ",
     "so-tu-phap-ra-soat-trang-thong-tin-dien-tu-so-224-2026-nd-cp-ngay-01-7-2026"),
    ("THÔNG BÁO KẾT QUẢ TUYỂN DỤNG CÔNG CHỨC CÁC CƠ QUAN HÀNH CHÍNH TỈNH THANH VÂN NĂM 2026 ĐỢT II",
     "thong-bao-ket-qua-tuyen-dung-cong-chuc-cac-co-quan-hanh-chinh-nam-2026-dot-ii"),
])
def test_the_distinguishing_tail_is_kept_with_the_words_that_name_it(title, slug):
    assert slugify(title) == slug and len(slug) <= MAX_LENGTH


def test_every_demo_title_within_the_limit_keeps_its_address():
    for site in sorted((ROOT / "content").iterdir()):
        if not (site / "site.yaml").is_file():
            continue
        result = check.check_site(site, ROOT)
        for doc in result.documents + result.scheduled:
            if doc.fields.get("tieu_de") and not doc.fields.get("duong_dan") and doc.type.id not in (
                    "van-ban", "thu-tuc", "lich-cong-tac"):
                full = "-".join(words(doc.title)[0])
                if len(full) <= MAX_LENGTH:
                    assert doc.slug == full, doc.rel
                assert len(doc.slug) <= MAX_LENGTH


def test_items_that_still_share_an_address_are_one_problem_listing_every_file(tmp_path):
    root = copy_case("long-titles", tmp_path)
    folder = root / UNIT / "ngan-sach"
    first = (folder / "2025-04-10-quy-1.md").read_text(encoding="utf-8")
    # the same disclosure by two of the department's offices: they differ only in words the address drops
    offices = (("2025-04-11-thuy-loi.md", "Chi cục Thủy lợi"), ("2025-04-12-kiem-lam.md", "Chi cục Kiểm lâm"))
    for name, office in offices:
        (folder / name).write_text(first.replace("tỉnh Mẫu quý I", f"tỉnh Mẫu ({office}) quý I"), encoding="utf-8")
    result = check.check_site(root / UNIT, root)
    [problem] = [p for p in result.problems if p.code == "trung-duong-dan"]
    url = "ngan-sach/cong-khai-so-lieu-thuc-hien-du-toan-ngan-sach-nha-nuoc-nam-2025-cua-so-quy-i.html"
    assert problem.message.startswith(f"3 tin bài cùng địa chỉ «{url}»")
    names = ["2025-04-10-quy-1.md", "2025-04-11-thuy-loi.md", "2025-04-12-kiem-lam.md"]
    assert problem.found == ", ".join(f"{UNIT}/ngan-sach/{n}:2" for n in names)
    assert (problem.path, problem.line, problem.field) == (f"{UNIT}/ngan-sach/{names[0]}", 2, "tieu_de")
    assert console.format_problems(result.problems).count("tin bài cùng địa chỉ") == 1
    # the advice, followed, settles it
    suggested = dict(re.findall(r"ngan-sach/(\S+\.md): «duong_dan: ([a-z0-9-]+)»", problem.expected))
    assert sorted(suggested) == names[1:]
    for name, slug in suggested.items():
        text = (folder / name).read_text(encoding="utf-8")
        (folder / name).write_text(text.replace("ngay:", f"duong_dan: {slug}\nngay:", 1), encoding="utf-8")
    assert check.check_site(root / UNIT, root).ok


def test_the_series_is_built_one_page_per_item(tmp_path):
    root = copy_case("long-titles", tmp_path)
    result = build(root)
    assert [s.built for s in result.sites] == [True]
    docs = check.check_site(root / UNIT, root).documents
    for doc in docs:
        html = (root / "output" / "so-nnmt" / doc.url).read_text(encoding="utf-8")
        assert f">{doc.title}</h1>" in re.sub(r"\s*</h1>", "</h1>", html), doc.url
