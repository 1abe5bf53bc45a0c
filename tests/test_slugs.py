"""Vietnamese titles become stable ASCII slugs."""

from portal.slugs import slugify


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
