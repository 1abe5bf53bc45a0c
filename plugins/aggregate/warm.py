"""The provincial news, kept warm for ``invoke serve``: a unit's edited feed merged again in memory.

``invoke aggregate`` collects every channel of every unit, evaluates compliance and renders the whole
provincial site. The preview needs only what one saved item changes: that unit's news feed. At start
:class:`WarmNews` reads every unit's stored news (the last aggregation's state, ``.cache/tong-hop/``);
after an edit it parses the unit's re-rendered feed with the aggregator's own parser and rules
(:mod:`aggregate.parse`, :mod:`aggregate.normalise`), merges the stream again (:func:`merge.news_stream`)
and has the provincial site's warm generator write the pages that show the news
(:meth:`AggregateGenerator.write_news`) into the preview's folder. Nothing under ``.cache/tong-hop/`` or
``output/`` is written: the next ``invoke aggregate`` publishes.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import re
from pathlib import Path

from portal.project import Project
from portal.warm import SelectiveWriter

from . import merge, normalise, parse, pipeline
from .pages import AggregateGenerator
from .settings import Limits
from .store import FOLDER, Store

logger = logging.getLogger(__name__)
FEED = pipeline.CHANNELS["tin-tuc"][1]  # a unit's feed inside its site: the file the aggregation reads


class WarmNews:
    """Every unit's due news as the last aggregation stored it; one unit's replaced after its edit."""

    def __init__(self, project: Project, now: dt.datetime, limits: Limits = Limits()):
        site = pipeline.province_site(project)
        registry = site.config["tong_hop"]
        self.province_id, self.keep, self.limits = site.id, registry.get("so_tin_moi_nguon", 50), limits
        self.units = pipeline.units(project, registry)
        self.entries: dict[str, FeedEntries] = {}  # a unit → its feed's entries parsed so far
        store = Store(project.folder(FOLDER))
        self.items = {u["ma"]: normalise.due_items(store.channel(u["ma"], "tin-tuc")["data"] or [], now,
                                                   limits.clock_skew)[0] for u in self.units}

    def local(self, site_id: str) -> bool:
        return any(u["ma"] == site_id and u["noi_bo"] for u in self.units)

    def merged(self, site_id: str, feed: bytes, now: dt.datetime) -> list[dict]:
        """The provincial news stream with ``site_id``'s items read from ``feed`` (its feed's bytes).
        Raises :class:`parse.SourceError` on a feed the aggregator would refuse."""
        entries = self.entries.setdefault(site_id, FeedEntries())
        items, _notes = normalise.feed_items(entries.parse(feed), now, self.keep, self.limits.clock_skew)
        self.items[site_id] = normalise.due_items(items, now, self.limits.clock_skew)[0]
        news = merge.news_stream([(u, self.items[u["ma"]]) for u in self.units], self.keep)
        for item in news:  # as AggregateGenerator.generate_context reads ket-qua.json
            item["ngay_dt"] = dt.datetime.fromisoformat(item["ngay"]) if item.get("ngay") else None
        return news


class FeedEntries:
    """:func:`parse.parse_feed` of a unit's own feed (RSS or Atom), item by item: an edit changes one item
    of the feed, and only that item is parsed again (each with the feed's head, so relative links resolve
    as in the whole feed). A feed not cut as expected is parsed whole."""

    ENTRY = re.compile(rb"(?=<(?:entry|item)[\s>])")

    def __init__(self):
        self.parsed: dict[bytes, list[dict]] = {}

    def parse(self, body: bytes) -> list[dict]:
        first = self.ENTRY.search(body)
        start = first.start() if first else -1
        end = max(body.rfind(b"</feed>"), body.rfind(b"</channel>"))
        if start < 0 or end < start:
            return parse.parse_feed(body)
        head, tail = body[:start], body[end:]
        seen, self.parsed = self.parsed, {}
        items = []
        for chunk in self.ENTRY.split(body[start:end]):
            if chunk.strip():
                self.parsed[chunk] = seen[chunk] if chunk in seen else parse.parse_feed(head + chunk + tail)
                items += self.parsed[chunk]
        return items


def follower(project: Project, now: dt.datetime, prime: list[str] | None = None):
    """The preview's follower (``portal.live``): after a unit's item is re-rendered, the provincial pages
    that show the news. None when the province aggregates nothing yet (no registry or no result).
    The published feeds of the units in ``prime`` (every local unit when None) are parsed now, entry by
    entry, so that their first edit parses only its own entry."""
    try:
        news = WarmNews(project, now)
    except LookupError:
        return None
    for unit in news.units:
        feed = project.output / unit["ma"] / FEED
        if unit["noi_bo"] and (prime is None or unit["ma"] in prime) and feed.is_file():
            with contextlib.suppress(parse.SourceError):  # refused again, and reported, when the unit is edited
                news.entries.setdefault(unit["ma"], FeedEntries()).parse(feed.read_bytes())

    def follow(site_id: str, folder: Path, live) -> list[str]:
        """Files written (relative to ``folder``, the preview's root) for an edit of ``site_id``."""
        if not news.local(site_id):
            return []
        feed = next((base / site_id / FEED for base in (folder, project.output) if (base / site_id / FEED).is_file()),
                    None)
        province = live.site(news.province_id)
        generator = province.generator(AggregateGenerator) if province else None
        if feed is None or generator is None or not generator.result:
            return []
        try:
            merged = news.merged(site_id, feed.read_bytes(), now)
        except parse.SourceError as exc:
            logger.warning("tong-hop: bản tin của %s không đọc được (%s); trang tổng hợp giữ bản trước.", site_id, exc)
            return []
        writer = _NewsWriter(province.folder, province.settings, generator.result["tin_tuc"], merged)
        generator.write_news(writer, merged)
        feeds = {f"tong-hop/feeds/{name}" for name in ("all.atom.xml", "all.rss.xml")}  # written by the generator
        return [f"{news.province_id}/{name}" for name in sorted(writer.written | feeds)]

    return follow


class _NewsWriter(SelectiveWriter):
    """Writes every page that shows the news, except the pages of the news list whose items are the same
    as before the edit (a summary edited on page 7 of 100 renders page 7)."""

    def __init__(self, output_path: Path, settings: dict, before: list[dict], after: list[dict]):
        super().__init__(output_path, settings)
        self.before, self.same_length = before, len(before) == len(after)

    def page_wanted(self, page) -> bool:
        first = page.start_index() - 1
        return not self.same_length or page.object_list != self.before[first:first + len(page.object_list)]
