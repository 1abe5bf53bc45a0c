"""The plain summary of an item without ``tom_tat`` is made at check time and kept with its document.

The reader used to truncate every body on every render. Now the check makes the summary from the sanitised
body (document.Document.keep_summary); the reader takes it when it publishes that very body with the same
summary settings, and makes it itself otherwise. These tests hold the two to the same text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ROOT, SITES, project

from portal import body_tables, check, document, listing, paths, reader, sanitize, summaries


def _documents(root: Path, settings) -> list[document.Document]:
    found = [d for d in sorted((root / "content").iterdir()) if (d / "site.yaml").is_file()]
    docs = []
    for site_dir in found:
        docs += check.validate(listing.list_site(site_dir, root, None, settings=settings)).documents
    return docs


@pytest.mark.parametrize("root", [ROOT, SITES / "basic", SITES / "pasted-text", SITES / "long-titles",
                                  SITES / "small-screens"], ids=lambda p: p.name)
def test_the_kept_summary_is_the_readers_summary_of_the_published_body(root):
    """Text pasted from Word and PDF, tables, links to other hosts, bodies shorter and longer than a
    summary: the summary made from the sanitised body is the one made from the body the reader publishes
    (links marked rel=noopener, tables labelled for phones)."""
    settings = project(root).settings
    words, end = document.summary_settings(settings)
    docs = [d for d in _documents(root, settings) if not d.fields.get("tom_tat") and d.clean_html]
    assert docs, "every case has items without tom_tat"
    for doc in docs:
        published = body_tables.label(sanitize.external_rel(doc.clean_html, ("example.gov.vn",)))
        assert doc.kept_summary(sanitize.allowed_embeds(settings), words, end) == \
            summaries.plain_summary(doc.fields, published, words, end), doc.rel


def test_a_summary_made_for_other_settings_or_another_body_is_not_taken(tmp_path):
    body = "Cụm từ " * 80 + "\n\n| Cột A | Cột B |\n|---|---|\n| một | hai |\n\n[Cổng khác](https://khac.vn/a)\n"
    site = tmp_path / "content" / "xa" / "tin-tuc"
    site.mkdir(parents=True)
    path = site / "tin.md"
    path.write_text(f"---\ntieu_de: Tin không có tóm tắt\nngay: 2026-11-20\n---\n{body}", encoding="utf-8")
    doc, problems = document.load(path, site.parent, "tin-tuc", tmp_path, summary=(60, "…"))
    assert doc is not None and doc.summary_text.endswith("…"), problems
    embeds = sanitize.ALLOWED_EMBEDS
    assert doc.kept_summary(embeds, 60, "…") == doc.summary_text
    assert doc.kept_summary(embeds, 50, "…") is None and doc.kept_summary(embeds, 60, "...") is None
    assert doc.kept_summary(("https://khac.vn/",), 60, "…") is None  # sanitised with other embeds
    doc.body += "\nThêm một câu."  # the body changed since its check: its HTML is no longer the checked one
    doc.html_key = "khac"
    assert doc.kept_summary(embeds, 60, "…") is None
    with_summary, _ = document.load(path, site.parent, "tin-tuc", tmp_path)  # no summary settings: none made
    assert with_summary.summary_for == () and with_summary.kept_summary(embeds, 60, "…") is None


def test_the_reader_takes_the_kept_summary_and_makes_one_without_it(tmp_path, monkeypatch):
    settings = project(SITES / "basic").settings
    docs = [d for d in _documents(SITES / "basic", settings) if not d.fields.get("tom_tat") and d.clean_html]
    doc = docs[0]
    pelican_settings = {**settings, "PORTAL_DOCUMENTS": {paths.real_path(doc.source): doc},
                        "PORTAL": {"dia_chi_web": "https://xa.example.gov.vn"}, "SITEURL": "https://xa.example.gov.vn"}
    made = []
    real = summaries.plain_summary
    monkeypatch.setattr(summaries, "plain_summary", lambda *a, **k: made.append(a) or real(*a, **k))
    _, metadata = reader.PortalMarkdownReader(pelican_settings).read(doc.source)
    assert metadata["plain_summary"] == doc.summary_text and not made
    _, metadata = reader.PortalMarkdownReader({**pelican_settings, "SUMMARY_MAX_LENGTH": 5}).read(doc.source)
    assert len(made) == 1 and metadata["plain_summary"] != doc.summary_text
