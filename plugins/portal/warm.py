"""The warm site of ``invoke serve``: one site's Pelican context kept in memory, re-rendered item by item.

``invoke build`` starts a fresh Pelican for every site it renders. The preview keeps one instead:
:class:`WarmSite` reads the site once (its check from the content-hash cache, Pelican's generators, their
context and the compiled templates) and keeps them. When an editor saves one item, :meth:`WarmSite.edit`
checks that file alone, lets Pelican's generator cache read only that file again (every other article
object is reused), rebuilds the lists and sections from the objects in memory, and renders only what
shows the item: its own page, the list pages (the page of each paginated list that holds it), the site's
feeds that carry it and the site's exports. Pages go to the preview's own folder (``.cache/xem-thu/``),
never into ``output/``; the preview server serves them in front of the published site.

What an edit does not refresh until the next ``invoke build``: pages that show the item without being
handed it (the "related items" box of other items, the compliance pages), the search index, and pages
of an item whose address changed (the old address stays).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import logging
import os
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from pelican import signals
from pelican.generators import ArticlesGenerator, PagesGenerator
from pelican.paginator import Paginator
from pelican.utils import get_relative_path, path_to_url, sanitised_join

from . import check, content_types, exports, history, paths, render, sanitize
from .feeds import FeedWriter
from .problems import ERROR, Problem, relpath
from .project import Project
from .sections import PortalGenerator

logger = logging.getLogger(__name__)

# Pelican's generator-level content cache, in memory only: a second generate_context() reuses the
# Article of every file whose stamp is unchanged and reads the others.
WARM_SETTINGS = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": False, "CONTENT_CACHING_LAYER": "generator"}
ITEM_FOLDERS = frozenset(t.id for t in content_types.TYPES)
REBUILT = (ArticlesGenerator, PagesGenerator, PortalGenerator)  # the generators an item edit re-runs, in order


@dataclass
class Edit:
    """What one saved file did to a warm site."""

    site_id: str
    path: str                                   # the file, relative to the repository root
    problems: list[Problem] = field(default_factory=list)
    written: list[str] = field(default_factory=list)  # files written, relative to the site's preview folder
    seconds: float = 0.0
    item: object = None                          # the new Pelican content object (None when refused)
    moved: tuple[str, str] | None = None         # (old URL, new URL) inside the site, when the address changed

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


def is_item(site_dir: Path, path: Path) -> bool:
    """Whether ``path`` is an item file a warm site can take alone (``<type>/<name>.md``)."""
    try:
        parts = path.relative_to(site_dir).parts
    except ValueError:
        return False
    return len(parts) == 2 and parts[0] in ITEM_FOLDERS and path.suffix.lower() == ".md"


class WarmSite:
    """One site's checked documents, Pelican generators and context, kept between edits."""

    def __init__(self, project: Project, site_dir: Path, province: dict, now: dt.datetime, as_of: dt.date,
                 folder: Path):
        self.project, self.site_dir, self.site_id = project, site_dir, site_dir.name
        self.now = now
        self.folder = folder / self.site_id  # this site's preview pages
        self.checked = check.check_site(site_dir, project.root, cache_dir=project.folder("build"), now=now,
                                        settings=project.settings)
        if not self.checked.ok:
            raise WarmError(self.checked.problems)
        extra = {"PORTAL_PROVINCE": {**province, self.site_id: self.checked}, "PORTAL_AS_OF": as_of,
                 "PORTAL_EVIDENCE": history.read(project.root), "PORTAL_NOW": now, **WARM_SETTINGS}
        self.settings = render.settings_for(project, self.checked, self.folder, extra)
        self.pelican = render.pelican_for(self.settings)
        context = self.settings.copy()  # as Pelican.run does: one context shared by every generator
        context.update(generated_content={}, static_links=set(), static_content={},
                       localsiteurl=self.settings["SITEURL"])
        self.context = context
        self.generators = [cls(context=context, settings=self.settings, path=self.pelican.path,
                               theme=self.pelican.theme, output_path=self.pelican.output_path)
                           for cls in self.pelican._get_generator_classes()]
        for generator in self.generators:
            if isinstance(generator, (ArticlesGenerator, PagesGenerator)):
                # The in-memory cache is the point; Pelican would pickle all of it after every read.
                generator.save_cache = generator.readers.save_cache = _nothing
        with _quiet():
            for generator in self.generators:
                generator.generate_context()
            signals.all_generators_finalized.send(self.generators)
            for generator in self.generators:
                if hasattr(generator, "refresh_metadata_intersite_links"):
                    generator.refresh_metadata_intersite_links()
        for generator in self.generators:
            _compile_templates(generator)

    def generator(self, kind: type):
        return next((g for g in self.generators if isinstance(g, kind)), None)

    def edit(self, path: Path) -> Edit:
        """Take the saved file ``path`` (an item of this site, :func:`is_item`): check it alone; when it
        is valid, read it again and render what shows it. A refused file changes nothing."""
        started = time.perf_counter()
        rel = relpath(path, self.project.root)
        type_id = path.parent.name
        doc, problems, _ = check.load_one(path, self.site_dir, type_id, self.project.root, rel,
                                          sanitize.allowed_embeds(self.project.settings))
        result = Edit(self.site_id, rel, problems)
        if doc is None or not result.ok:
            result.seconds = time.perf_counter() - started
            return result
        source = os.path.abspath(path)
        before = self._order()
        old = next((c for c in self._contents() if os.path.abspath(c.source_path) == source), None)
        self.settings["PORTAL_DOCUMENTS"][paths.real_path(path)] = doc  # the reader takes it, not parsing again
        with _quiet():
            self._read_again(path.relative_to(self.site_dir).as_posix())
        item = next((c for c in self._contents() if os.path.abspath(c.source_path) == source), None)
        result.item = item
        if old is not None and item is not None and old.url and item.url and old.url != item.url:
            result.moved = (old.url, item.url)  # a new title, a new address: open tabs follow it
        if item is not None:
            writer = WarmWriter(self.folder, self.settings, item, moved=self._order() != before)
            with _quiet():
                for generator in self.generators:
                    if isinstance(generator, PortalGenerator):
                        generator.write_pages(writer)
                    elif isinstance(generator, REBUILT):
                        generator.generate_output(writer)
                if _in_exports(old, item):
                    exports.write_all(self.context, self.settings)
                    writer.written.update(("sitemap.xml", "robots.txt", f"du-lieu/{exports.CATALOG}.json",
                                           *(f"du-lieu/{t}.json" for t in exports.EXPORT_TYPES)))
            result.written = sorted(writer.written)
        result.seconds = time.perf_counter() - started
        return result

    def _read_again(self, rel_in_site: str) -> None:
        """Re-run the context of the content generators: only ``rel_in_site`` is read again."""
        articles, pages = self.generator(ArticlesGenerator), self.generator(PagesGenerator)
        for generator in (articles, pages):
            generator._cache.pop(rel_in_site, None)
        # generate_context() fills these as dicts and leaves them as lists: start them again.
        articles.categories, articles.tags, articles.authors = defaultdict(list), defaultdict(list), defaultdict(list)
        for generator in self.generators:
            if isinstance(generator, REBUILT):
                generator.generate_context()
        for generator in self.generators:
            if isinstance(generator, REBUILT) and hasattr(generator, "refresh_metadata_intersite_links"):
                generator.refresh_metadata_intersite_links()

    def _contents(self) -> list:
        articles, pages = self.generator(ArticlesGenerator), self.generator(PagesGenerator)
        return [*articles.articles, *articles.drafts, *articles.hidden_articles, *pages.pages,
                *pages.hidden_pages, *pages.draft_pages]

    def _order(self) -> list[str]:
        """Every listed item's source, in list order: when it changes, lists shift from page to page."""
        return [c.source_path for c in self.generator(ArticlesGenerator).articles]


class WarmError(Exception):
    """A site that cannot be kept warm: its check found errors (the build reports them)."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} vấn đề")


class SelectiveWriter(FeedWriter):
    """Pelican's writer that writes only what :meth:`wanted` and, page by page of a paginated list,
    :meth:`page_wanted` accept, and remembers what it wrote (relative to its output folder)."""

    def __init__(self, output_path, settings):
        super().__init__(str(output_path), settings=settings)
        self.written: set[str] = set()

    def wanted(self, kwargs: dict) -> bool:
        return True

    def page_wanted(self, page) -> bool:
        return True

    def feed_wanted(self, elements) -> bool:
        return True

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        if not self.feed_wanted(elements):
            return None
        return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)

    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if not name or not self.wanted(kwargs):
            return None
        if paginated is None:
            paginated = {k: v for k, v in kwargs.items() if k in {"articles", "dates"}}
        if not (paginated and template_name in self.settings["PAGINATED_TEMPLATES"]):
            return super().write_file(name, template, context, relative_urls, None, template_name,
                                      override_output, url, **kwargs)
        per_page = self.settings["PAGINATED_TEMPLATES"][template_name] or self.settings["DEFAULT_PAGINATION"]
        paginators = {key: Paginator(name, url, val, self.settings, per_page) for key, val in paginated.items()}
        # Pelican's own pagination (Writer.write_file), page by page, skipping the pages not wanted.
        for number in range(1, next(iter(paginators.values())).num_pages + 1):
            local = dict(kwargs)
            for key, paginator in paginators.items():
                page = paginator.page(number)
                local.update({f"{key}_paginator": paginator, f"{key}_page": page,
                              f"{key}_previous_page": paginator.page(number - 1) if number > 1 else None,
                              f"{key}_next_page": paginator.page(number + 1) if number < paginator.num_pages
                              else None})
            pages = [local[f"{key}_page"] for key in paginators]
            if any(self.page_wanted(page) for page in pages):
                self._render(template, context, pages[0].save_as, local, relative_urls)
        return None

    def _render(self, template, context, name, kwargs, relative_urls) -> None:
        local = context.copy()
        local["localsiteurl"] = local.get("localsiteurl")
        if relative_urls:
            local["SITEURL"] = local["localsiteurl"] = path_to_url(get_relative_path(name))
        local["output_file"] = name
        local.update(kwargs)
        html = template.render(local)
        with self._open_w(sanitised_join(self.output_path, name), "utf-8", override=True) as handle:
            handle.write(html)

    def _open_w(self, filename, encoding, override=False):
        # Pelican writes in place: a page may be served half-written, but the preview's version moves
        # (and open tabs reload) only once every page of the edit is written.
        os.makedirs(os.path.dirname(filename), exist_ok=True)
        self.written.add(Path(os.path.relpath(filename, self.output_path)).as_posix())
        return super()._open_w(filename, encoding, override=True)


class WarmWriter(SelectiveWriter):
    """Writes only the pages and feeds that are handed ``item``: of a paginated list, only its page that
    holds the item; every page when the edit moved items from page to page (a new date, a new item)."""

    def __init__(self, output_path, settings, item, moved: bool):
        super().__init__(output_path, settings)
        self.item, self.moved = item, moved

    def shows(self, value) -> bool:
        if value is self.item:
            return True
        if isinstance(value, (list, tuple)):
            return any(v is self.item or (isinstance(v, tuple) and self.shows(v)) for v in value)
        items = getattr(value, "items", None)  # a portal section
        return isinstance(items, list) and any(v is self.item for v in items)

    def wanted(self, kwargs: dict) -> bool:
        return any(self.shows(v) for v in kwargs.values())

    def page_wanted(self, page) -> bool:
        return self.moved or self.shows(page.object_list)

    def feed_wanted(self, elements) -> bool:
        return self.shows(elements)


def _in_exports(old, new) -> bool:
    """Whether the exports (JSON of văn bản and thủ tục, the catalog of every item, sitemap.xml) show what
    changed: an item of an exported type, or a title, address or date (the catalog's and the sitemap's)."""
    def listed(item):
        return None if item is None else (item.url, item.title, getattr(item, "modified", None),
                                          getattr(item, "date", None))

    return getattr(new, "portal_type", None) in exports.EXPORT_TYPES or listed(old) != listed(new)


def _compile_templates(generator) -> None:
    """Load every template of the generator's Jinja environment now (from the bytecode cache when it holds
    them), so that the first edit renders with compiled templates too."""
    env = getattr(generator, "env", None)
    if env is None:
        return
    for name in env.list_templates(extensions=["html"]):
        with contextlib.suppress(Exception):  # a template that does not load fails where it is used, as always
            env.get_template(name)


def _nothing(*_args, **_kwargs) -> None:
    return None


@contextlib.contextmanager
def _quiet():
    """Pelican's "Writing ..." lines and summaries stay out of the preview's terminal."""
    with contextlib.redirect_stdout(io.StringIO()):
        yield

