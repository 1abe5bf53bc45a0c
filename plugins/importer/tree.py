"""pandoc's document tree (its JSON form), reduced to the project's Markdown: no inline styles, no attributes.

What Word carries and a portal page must not: underline, small capitals, strike-through, coloured spans,
custom styles, ids and widths on headings and pictures, raw Office XML. Each is unwrapped to its text
(:func:`clean`). Headings are moved so the first level is ``##`` (the item's title is the page's only
``#``); a list whose items are single paragraphs is written tight.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .letterhead import Line

_UNWRAP = {"Underline", "SmallCaps", "Strikeout", "Span"}
_NO_ATTR = ("", [], [])
# Alternative text Word writes by itself ("Description automatically generated"): not a description.
_GENERATED_ALT = re.compile(r"(?i)automatically generated|được tạo tự động|mô tả tự động")


def text(inlines: list) -> str:
    """The plain text of inline elements (line breaks as newlines, notes and pictures left out)."""
    out = []
    for item in inlines:
        kind, content = item["t"], item.get("c")
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak"):
            out.append(" ")
        elif kind == "LineBreak":
            out.append("\n")
        elif kind in ("Emph", "Strong", "Underline", "SmallCaps", "Strikeout", "Superscript", "Subscript"):
            out.append(text(content))
        elif kind in ("Span", "Link"):
            out.append(text(content[1]))
        elif kind == "Quoted":
            out.append("“" + text(content[1]) + "”")
        elif kind == "Cite":
            out.append(text(content[1]))
        elif kind in ("Code", "Math"):
            out.append(content[1])
    return "".join(out)


def lines(blocks: list) -> list[Line]:
    """The lines of paragraphs (a Word table cell): each line's text, and whether all of it is bold."""
    out: list[Line] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain"):
            for part in _split_lines(block["c"]):
                out.append(Line(text(part).strip(), _bold(part)))
        elif block["t"] in ("BulletList", "OrderedList"):
            items = block["c"] if block["t"] == "BulletList" else block["c"][1]
            for item in items:
                out += lines(item)
        elif block["t"] == "Div":
            out += lines(block["c"][1])
    return out


def _split_lines(inlines: list) -> list[list]:
    parts: list[list] = [[]]
    for item in inlines:
        if item["t"] == "LineBreak":
            parts.append([])
        else:
            parts[-1].append(item)
    return parts


def _bold(inlines: list) -> bool:
    visible = [i for i in inlines if i["t"] not in ("Space", "SoftBreak")]
    return bool(visible) and all(i["t"] == "Strong" for i in visible)


def paragraph_lines(block: dict) -> list[Line]:
    """A top-level block as lines (empty for what is not a paragraph)."""
    return lines([block]) if block["t"] in ("Para", "Plain") else []


def clean(blocks: list, image: Callable[[str, str], str | None]) -> list:
    """The blocks without styles or attributes. ``image(target, alt)`` gives a picture's new address, or
    None to leave the picture out (the caller says why)."""
    out = []
    for block in blocks:
        out += _block(block, image)
    return out


def _block(block: dict, image) -> list:
    kind, content = block["t"], block.get("c")
    if kind in ("Para", "Plain"):
        inlines = _inlines(content, image)
        return [{"t": kind, "c": inlines}] if text(inlines).strip() or _has_image(inlines) else []
    if kind == "Header":
        return [{"t": "Header", "c": [content[0], list(_NO_ATTR), _inlines(content[2], image)]}]
    if kind in ("BulletList", "OrderedList"):
        items = content if kind == "BulletList" else content[1]
        items = [clean(item, image) for item in items]
        if all(len(item) <= 1 and (not item or item[0]["t"] in ("Para", "Plain")) for item in items):
            items = [[{"t": "Plain", "c": item[0]["c"]}] if item else [] for item in items]
        return [{"t": kind, "c": items if kind == "BulletList" else [content[0], items]}]
    if kind == "BlockQuote":
        return [{"t": kind, "c": clean(content, image)}]
    if kind == "Div":
        return clean(content[1], image)
    if kind == "Figure":  # [attr, caption, blocks]: the picture, then its caption as a paragraph
        caption = clean(content[1][1], image)
        return clean(content[2], image) + caption
    if kind == "CodeBlock":
        return [{"t": "CodeBlock", "c": [list(_NO_ATTR), content[1]]}]
    if kind == "RawBlock":
        return []
    if kind == "LineBlock":
        return [{"t": "Para", "c": [x for i, line in enumerate(content)
                                    for x in ([{"t": "LineBreak"}] if i else []) + _inlines(line, image)]}]
    if kind == "DefinitionList":
        return [{"t": kind, "c": [[_inlines(term, image), [clean(d, image) for d in defs]]
                                  for term, defs in content]}]
    if kind == "Table":  # written as HTML by the caller; its cells' content is cleaned like the rest
        return [{"t": "Table", "c": _table(content, image)}]
    return [block]  # HorizontalRule


def _table(content: list, image) -> list:
    attr, caption, colspecs, head, bodies, foot = content

    def rows(section_rows: list) -> list:
        return [[row[0], [[cell[0], cell[1], cell[2], cell[3], clean(cell[4], image)] for cell in row[1]]]
                for row in section_rows]

    return [attr, caption, colspecs, [head[0], rows(head[1])],
            [[body[0], body[1], rows(body[2]), rows(body[3])] for body in bodies], [foot[0], rows(foot[1])]]


def _inlines(inlines: list, image) -> list:
    out = []
    for item in inlines:
        kind, content = item["t"], item.get("c")
        if kind in _UNWRAP:
            out += _inlines(content[1] if kind == "Span" else content, image)
        elif kind == "Cite":
            out += _inlines(content[1], image)
        elif kind in ("Emph", "Strong", "Superscript", "Subscript"):
            inner = _inlines(content, image)
            if text(inner).strip():
                out.append({"t": kind, "c": inner})
            else:
                out += inner
        elif kind == "Quoted":
            out.append({"t": kind, "c": [content[0], _inlines(content[1], image)]})
        elif kind == "Link":
            out.append({"t": "Link", "c": [list(_NO_ATTR), _inlines(content[1], image), content[2]]})
        elif kind == "Image":
            alt = text(content[1]).strip()
            alt = "" if _GENERATED_ALT.search(alt) else " ".join(alt.split())
            target = image(content[2][0], alt)
            if target is not None:
                out.append({"t": "Image", "c": [list(_NO_ATTR), [{"t": "Str", "c": alt}] if alt else [],
                                                [target, ""]]})
        elif kind == "Note":
            out.append({"t": "Note", "c": clean(content, image)})
        elif kind == "RawInline":
            continue
        else:
            out.append(item)
    return out


def _has_image(inlines: list) -> bool:
    return any(i["t"] == "Image" for i in inlines)


def heading_shift(blocks: list) -> list:
    """Headings moved so that the highest one is ``##`` (at most ``######``)."""
    levels = [b["c"][0] for b in blocks if b["t"] == "Header"]
    if not levels:
        return blocks
    shift = 2 - min(levels)
    return [{"t": "Header", "c": [min(6, b["c"][0] + shift), *b["c"][1:]]} if b["t"] == "Header" else b
            for b in blocks]


def plain_paragraph(lines_: list[Line]) -> dict:
    """A paragraph of ``lines_`` with line breaks (bold lines kept bold)."""
    inlines: list = []
    for index, line in enumerate(lines_):
        if index:
            inlines.append({"t": "LineBreak"})
        words = [{"t": "Str", "c": line.text}]
        inlines += [{"t": "Strong", "c": words}] if line.bold else words
    return {"t": "Para", "c": inlines}


def document(blocks: list, api_version: list) -> dict:
    return {"pandoc-api-version": api_version, "meta": {}, "blocks": blocks}
