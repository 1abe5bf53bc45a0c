"""The content types a portal publishes: one folder, one schema, one layout each.

The order of ``TYPES`` is the menu order. ``kind`` says how Pelican treats the files
(``article``: dated items in feeds and archives; ``page``: the introduction pages).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ContentType:
    id: str            # folder name, schema name, URL prefix and category slug
    label: str         # Vietnamese section name (menu, headings, feed titles)
    item_label: str    # what one item is called, for people (the accessibility gate's list of pages)
    kind: str          # "article" or "page"
    template: str      # detail template
    list_template: str  # section index template
    title_field: str = "tieu_de"

    @property
    def paginated(self) -> bool:
        return self.list_template == "section"


TYPES: tuple[ContentType, ...] = (
    ContentType("tin-tuc", "Tin tức - Sự kiện", "Tin bài", "article", "article", "section"),
    ContentType("thong-bao", "Thông báo", "Thông báo", "article", "article", "section"),
    ContentType("van-ban", "Văn bản", "Văn bản", "article", "van-ban", "van-ban-danh-sach"),
    ContentType("thu-tuc", "Thủ tục hành chính", "Thủ tục hành chính", "article", "thu-tuc", "thu-tuc-danh-sach"),
    ContentType("lich-cong-tac", "Lịch công tác", "Lịch công tác tuần", "article", "lich-cong-tac",
                "lich-cong-tac-danh-sach"),
    ContentType("du-thao", "Lấy ý kiến dự thảo", "Dự thảo lấy ý kiến", "article", "article", "section"),
    ContentType("pho-bien-phap-luat", "Phổ biến pháp luật", "Bài phổ biến pháp luật", "article", "article", "section"),
    ContentType("hoi-dap", "Hỏi đáp", "Hỏi đáp", "article", "article", "section"),
    ContentType("du-an", "Dự án - Đầu tư - Đấu thầu", "Dự án", "article", "article", "section"),
    ContentType("ngan-sach", "Công khai ngân sách - Thống kê", "Công khai ngân sách", "article", "article", "section"),
    ContentType("quy-hoach", "Chiến lược - Quy hoạch - Kế hoạch", "Quy hoạch, kế hoạch", "article", "article",
                "section"),
    ContentType("trang", "Giới thiệu", "Trang giới thiệu", "page", "page", ""),
)

BY_ID = {t.id: t for t in TYPES}
ARTICLE_TYPES = tuple(t for t in TYPES if t.kind == "article")


def get(type_id: str) -> ContentType | None:
    return BY_ID.get(type_id)
