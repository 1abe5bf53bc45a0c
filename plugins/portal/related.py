"""Related news chosen by the editor (``tin_lien_quan`` of a tin-tuc item): each names another news item of
the same site by its file name (without ``.md``: what the web editor's relation widget stores, and what an
editor sees in the folder). :func:`problems` checks the names at check time; :func:`chosen` picks the items
for the item's page (the theme's ``tin_chon`` filter). :func:`same_section` picks the "Cùng chuyên mục" box
of an item page (the ``cung_chuyen_muc`` filter).

File names rather than titles: a title may change or be shared by two items, a file name is unique in its
folder and is what the editor's relation stores (``{{filename}}``).
"""

from __future__ import annotations

import difflib
from pathlib import PurePath

from . import schema
from .problems import ERROR, WARNING, Problem

TYPE = "tin-tuc"
FIELD = "tin_lien_quan"


def name_of(value: str) -> str:
    """The file name an editor wrote, without a trailing ``.md`` (in any case) and surrounding spaces."""
    value = str(value).strip()
    return value[:-3] if value.lower().endswith(".md") else value


def problems(documents) -> list[Problem]:
    """A name that is no news item of the site (with the closest names), the item itself, or an item that
    is not published (a draft: not shown until it is)."""
    news = {PurePath(d.rel).stem: d for d in documents if d.type.id == TYPE}
    out = []
    for doc in documents:
        if doc.type.id != TYPE:
            continue
        for index, value in enumerate(doc.fields.get(FIELD) or []):
            name, line = name_of(value), doc.line_of((FIELD, index))
            where = dict(field=f"{FIELD}[{index}]", label=schema.label(TYPE, (FIELD,)), found=str(value))
            target = news.get(name)
            if name == PurePath(doc.rel).stem:
                out.append(Problem(doc.rel, line, "Tin không thể là tin liên quan của chính nó.",
                                   expected="tên tệp của một tin khác, hoặc xóa dòng này", code="lien-quan-chinh-no",
                                   **where))
            elif target is None:
                close = difflib.get_close_matches(name, sorted(news), n=3, cutoff=0.6)
                hint = ("; có phải: " + ", ".join(f"«{c}»" for c in close)) if close else ""
                out.append(Problem(doc.rel, line, "Không có tin nào của cổng mang tên tệp này.",
                                   expected=f"tên tệp (không cần đuôi .md) của một tin trong thư mục {TYPE}/{hint}",
                                   code="lien-quan-khong-co", severity=ERROR, **where))
            elif target.status == "draft":
                out.append(Problem(doc.rel, line, "Tin liên quan này đang là bản nháp nên chưa hiện trên trang tin.",
                                   expected="công bố tin đó, hoặc bỏ nó khỏi danh sách tin liên quan",
                                   code="lien-quan-chua-dang", severity=WARNING, **where))
    return out


def chosen(items, names) -> list:
    """The published ``items`` (Pelican articles) named in ``names``, in the editor's order."""
    by_name = {PurePath(getattr(it, "source_path", "") or "").stem: it for it in items or []}
    picked = [by_name.get(name_of(n)) for n in names or []]
    return [it for it in picked if it is not None]


def same_section(items, item, chosen_items=()) -> tuple:
    """The "Cùng chuyên mục" box of ``item``'s page: the first three of its section's first nine ``items``
    that are neither ``item`` nor one of the ``chosen_items`` (the editor's related news, shown above it).
    A tuple: the same three items give the same box, which the page then writes from
    :func:`portal.shared_parts.dung_chung` (rendered once per site for all the pages that show it)."""
    return tuple(it for it in (items or [])[:9] if it is not item and it not in (chosen_items or ()))[:3]
