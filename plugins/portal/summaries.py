"""Plain-text summaries of items: what list pages, the home page and ``<meta name="description">`` show.

A summary is text, never HTML: the ``tom_tat`` field as the editor wrote it, or, when there is none,
the text of the start of the cleaned body (the first ``SUMMARY_MAX_LENGTH`` words, as Pelican counts
them for its own HTML summary, which the feeds keep). Templates write it escaped, like any other text.
"""

from __future__ import annotations

from html.parser import HTMLParser

from pelican.utils import truncate_html_words


class _Text(HTMLParser):
    """The text of an HTML fragment, character references decoded, comments and markup dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data):
        self.parts.append(data)


def text_of_html(html: str) -> str:
    """The words of ``html`` as one line of plain text."""
    parser = _Text()
    parser.feed(html or "")
    parser.close()
    return " ".join("".join(parser.parts).split())


def plain_summary(fields: dict, html: str, max_words: int | None, end: str = "…") -> str:
    """``tom_tat`` on one line, else the text of the first ``max_words`` words of the body ``html``."""
    if fields.get("tom_tat"):
        return " ".join(str(fields["tom_tat"]).split())
    if max_words is not None:
        html = truncate_html_words(html, max_words, end)
    return text_of_html(html)
