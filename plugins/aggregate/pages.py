"""Render the aggregation inside the provincial site: ``tong-hop/`` pages, feeds, exports and search indexes.

Runs in the provincial site's Pelican build when ``invoke aggregate`` has written ``ket-qua.json``;
the pages use the site's theme, so they look like the rest of the portal.

Remote records are normalised before they get here (``normalise.py``) and the templates tolerate every
optional field being absent; still, a catalog page that fails to render does not stop the build: the
sources whose records make it fail are found, left out of the catalogs with a note in their health, and
the page is written with the others.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

from feedgenerator import Atom1Feed, Rss201rev2Feed
from markupsafe import escape
from pelican.generators import Generator

from portal import contract, exports, jsonfmt, project

from . import merge, quick_search, search
from .pipeline import HEALTH_LABELS
from .store import FOLDER, Store, read_json

logger = logging.getLogger("pelican.plugins.aggregate.pages")  # under "pelican": the build reports it

PAGES = {"tong-hop/index.html": "tong-hop", "tong-hop/thu-tuc/index.html": "tong-hop-thu-tuc",
         "tong-hop/van-ban/index.html": "tong-hop-van-ban", "tong-hop/tuan-thu/index.html": "tong-hop-tuan-thu",
         "tong-hop/nguon/index.html": "tong-hop-nguon"}
NEWS_PAGES = ("tong-hop/index.html",)  # pages of PAGES that show the merged news (with tong-hop/tin-tuc/)
# The pages made of remote records: result key → (page, channel, counts key, counting function).
CATALOGS = {"thu_tuc": ("tong-hop/thu-tuc/index.html", "thu-tuc", "so_lieu_thu_tuc", merge.procedure_counts),
            "van_ban": ("tong-hop/van-ban/index.html", "van-ban", "so_lieu_van_ban", merge.document_counts)}




def _site_inputs(folder: Path, site_id: str, whole_province: bool) -> list[Path]:
    """The merged result (the provincial site's tong-hop/ pages) and a unit's own files: the folder's top
    level only, not the per-source fetch state under nguon/ nor the copies of the units' search indexes
    under tim-kiem/ (tens of thousands of files, read by the browser, not by the build)."""
    return [path for path in sorted(folder.glob("*.json"))
            if path.stem == site_id or (whole_province and path.name in ("ket-qua.json", quick_search.SOURCES))]


DECLARATION = contract.Declaration(
    "aggregate",
    settings=(contract.Setting("AGGREGATE", "limits of what one remote source may cost: aggregate/settings.py"),
              contract.Setting("AGGREGATE_STATE_DIR", "where the aggregation keeps its state"
                                                      " (default .cache/tong-hop)")),
    context=(contract.ContextVariable("TONG_HOP", contract.Incremental.VALUE,
                                      "the aggregation result (ket-qua.json) on the provincial site"),),
    folders=(contract.CacheFolder(FOLDER, ".cache/tong-hop", "each source's last good copy, the merged result, the"
                                  " compliance history", setting="AGGREGATE_STATE_DIR", site_inputs=_site_inputs),),
    pages=(*(contract.Page(save_as, template) for save_as, template in PAGES.items()),
           contract.Page("tong-hop/tin-tuc/", "tong-hop-tin-tuc")),  # the merged news, paginated
)


def state_dir(settings: dict) -> Path:
    return project.of(settings).folder(FOLDER)


class AggregateGenerator(Generator):
    """Only for the provincial site, and only once an aggregation result exists."""

    def generate_context(self):
        self.result = None
        site = self.settings["PORTAL"]
        if site.get("cap") != "tinh" or not site.get("tong_hop"):
            return
        result = read_json(Store(state_dir(self.settings)).result_path)
        if result and result.get("cong_tinh") == site["id"]:
            for item in result["tin_tuc"]:
                item["ngay_dt"] = dt.datetime.fromisoformat(item["ngay"]) if item.get("ngay") else None
            self.result = result
            self.context["TONG_HOP"] = result

    def generate_output(self, writer):
        if not self.result:
            return
        # Catalogs first: a source left out of one must not be counted on the pages written after.
        for key, (save_as, *_rest) in CATALOGS.items():
            try:
                self._write_page(writer, save_as)
            except Exception as exc:  # noqa: BLE001 - whatever a source's data does to a template
                self._leave_out_breaking_sources(key, exc)
                self._write_page(writer, save_as)
        self.write_news(writer)
        for save_as in PAGES:
            if save_as not in {page for page, *_rest in CATALOGS.values()} | set(NEWS_PAGES):
                self._write_page(writer, save_as)
        out = Path(self.settings["OUTPUT_PATH"]) / "tong-hop"
        self._exports(out / "du-lieu")
        # The units' search indexes, read by the search page from this site (same origin), and the quick search's.
        search.copy_into(state_dir(self.settings), self.result.get("tim_kiem") or [], out.parent)
        site = self.settings["PORTAL"]
        own = exports.catalog(exports.published(self.context), site)["muc"]  # as a unit's muc-luc.json lists them
        quick_search.publish(own, site, state_dir(self.settings), out.parent)

    def write_news(self, writer, news: list[dict] | None = None) -> None:
        """The pages and feeds that show the merged news: the list, the overview page, the feeds. The warm
        preview (aggregate.warm) calls it alone with the news merged again after a unit's edit."""
        if news is not None:
            self.result["tin_tuc"] = news  # the dict the context's TONG_HOP is
        news = self.result["tin_tuc"]
        writer.write_file("tong-hop/tin-tuc/index.html", self.get_template("tong-hop-tin-tuc"), self.context,
                          self.settings["RELATIVE_URLS"], template_name="section", paginated={"articles": news},
                          url="tong-hop/tin-tuc/index.html", articles=news, page_name="tong-hop/tin-tuc/index")
        for save_as in NEWS_PAGES:
            self._write_page(writer, save_as)
        self._feeds(Path(self.settings["OUTPUT_PATH"]) / "tong-hop" / "feeds", news)

    def _write_page(self, writer, save_as: str) -> None:
        writer.write_file(save_as, self.get_template(PAGES[save_as]), self.context, self.settings["RELATIVE_URLS"],
                          page_name=save_as.removesuffix(".html"))

    def _leave_out_breaking_sources(self, key: str, failure: Exception) -> None:
        """Find the sources whose records make the catalog ``key`` fail; drop their records, note it."""
        save_as, channel, counts_key, count = CATALOGS[key]
        records = self.result[key]
        sources = list(dict.fromkeys(r["don_vi_goc"]["ma"] for r in records))
        of = {s: [r for r in records if r["don_vi_goc"]["ma"] == s] for s in sources}
        broken = {s: e for s in sources if (e := self._render_fails(key, of[s])) is not None}
        if not broken:  # fails only together: add the sources one by one, keep those that do not break it
            kept: list[dict] = []
            for source in sources:
                error = self._render_fails(key, kept + of[source])
                if error is None:
                    kept += of[source]
                else:
                    broken[source] = error
        self.result[key] = [r for r in records if r["don_vi_goc"]["ma"] not in broken]
        self.result[counts_key] = count(self.result[key])
        for health in self.result["nguon"]:
            if health["ma"] in broken:
                error = broken[health["ma"]]
                health["loi"] = health["loi"] + [
                    f"{channel}: dữ liệu của nguồn làm lỗi trang {save_as} khi dựng cổng tỉnh "
                    f"({type(error).__name__}: {str(error)[:200]}); chưa đăng bản ghi nào của nguồn này lần này."]
                health["trang_thai"], health["trang_thai_nhan"] = "bo-qua", HEALTH_LABELS["bo-qua"]
                logger.warning("tong-hop: nguồn %s làm lỗi trang %s (%s: %s); đã bỏ dữ liệu %s của nguồn này, "
                               "các nguồn khác vẫn được đăng.", health["ma"], save_as, type(error).__name__, error,
                               channel)
        if not broken:
            raise failure  # not a source's data: a fault of the template or of this code

    def _render_fails(self, key: str, records: list[dict]) -> Exception | None:
        """Render the catalog ``key`` in memory with only ``records``; the exception if it fails."""
        save_as, _channel, counts_key, count = CATALOGS[key]
        try:
            trial = {**self.result, key: records, counts_key: count(records)}
            self.get_template(PAGES[save_as]).render({**self.context, "TONG_HOP": trial, "output_file": save_as,
                                                      "page_name": save_as.removesuffix(".html")})
        except Exception as exc:  # noqa: BLE001 - the point is to catch what a source's data does
            return exc
        return None

    def _feeds(self, folder: Path, news: list[dict]) -> None:
        """Atom and RSS 2.0 of the merged stream, in the same form as a unit's feeds."""
        site = self.settings["PORTAL"]
        base = site["dia_chi_web"].rstrip("/")
        folder.mkdir(parents=True, exist_ok=True)
        for name, kind in (("all.atom.xml", Atom1Feed), ("all.rss.xml", Rss201rev2Feed)):
            feed = kind(title=f"{site['ten_cong']} – Tin tổng hợp từ các cơ quan, đơn vị", link=f"{base}/",
                        feed_url=f"{base}/tong-hop/feeds/{name}", description="Tin tổng hợp từ các cổng thành phần",
                        language="vi")
            for item in news[: self.settings.get("FEED_MAX_ITEMS", 50)]:
                when = item["ngay_dt"] or dt.datetime(2000, 1, 1)
                # Title and summary are plain text (parse.text_of); the summary element holds HTML.
                feed.add_item(title=item["tieu_de"], link=item["url"], unique_id=item["guid"],
                              description=str(escape(item["tom_tat"])),
                              pubdate=when.replace(tzinfo=dt.timezone(dt.timedelta(hours=7))),
                              author_name=item["don_vi"], categories=[item["don_vi"]])
            with open(folder / name, "w", encoding="utf-8") as handle:
                feed.write(handle, "utf-8")

    def _exports(self, folder: Path) -> None:
        """Province-wide exports in the units' own format (export.schema.json), each record naming its unit."""
        site = self.settings["PORTAL"]
        folder.mkdir(parents=True, exist_ok=True)
        labels = {"thu-tuc": "Thủ tục hành chính", "van-ban": "Văn bản"}
        for kind, key in (("thu-tuc", "thu_tuc"), ("van-ban", "van_ban")):
            records = self.result[key]
            dates = sorted(str(r.get("cap_nhat") or r.get("ngay") or "") for r in records)
            data = {"phien_ban": "1.0", "loai": kind, "loai_nhan": labels[kind],
                    "don_vi": {"ma_cong": site["id"], "ten": site["ten_day_du"], "cap": site["cap"],
                               "dia_chi_web": site["dia_chi_web"]},
                    "cap_nhat_moi_nhat": dates[-1] if dates else None, "so_luong": len(records), "muc": records}
            with open(os.path.join(folder, f"{kind}.json"), "w", encoding="utf-8", newline="\n") as handle:
                handle.write(jsonfmt.dumps(data) + "\n")


def get_generators(pelican):
    """``get_generators`` receiver."""
    return AggregateGenerator
