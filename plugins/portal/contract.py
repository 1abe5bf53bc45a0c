"""The contract between the province build (the core, ``portal``) and its plugins, declared in one place.

Like Pelican's ``signals.py`` this module is the list to read first: every ``PORTAL_*`` setting and every
context variable the core adds to what templates see, each with a line of documentation (:data:`CORE`),
and the types with which a plugin declares its own from its ``register()``::

    from portal import contract

    DECLARATION = contract.Declaration(
        "my_plugin",
        settings=(contract.Setting("MY_PLUGIN", "what it sets"),),
        context=(contract.ContextVariable("MY_VALUE", contract.Incremental.VALUE, "what it holds"),),
        folders=(contract.CacheFolder("my-plugin", ".cache/my-plugin", "what it keeps"),),
        pages=(contract.Page("my-page.html", "my-template"),
               contract.ProvincePage("my-report/", Path(__file__).parent / "templates" / "my-report.html")),
    )

    def register():
        signals.get_generators.connect(get_generators)
        contract.declare(DECLARATION)

A name that no declaration lists may not be set or read: ``tests/test_contract.py`` reads every
template and module and fails on one. The core never imports a plugin; it learns what a plugin adds from
its declaration (:class:`Contract`, held by :class:`portal.project.Project`).
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class Incremental(enum.Enum):
    """How page-level incremental rendering (:mod:`portal.incremental`) keys a page that reads a variable.

    A page is reused only when everything it reads is unchanged; the class of a variable says what stands
    for it in the page's key (docs/performance.md, "Incremental rendering")."""

    CALL = "call"                  # follows from the write call itself (output name, URL): already in the key
    BUILD = "build"                # the same for every page of a build: code, settings, evaluation date
    SITE_CONTENT = "site-content"  # made of this site's items: the site's metadata digest stands for it
    OTHER_SITES = "other-sites"    # what the site reports on: other sites' metadata, the plugins' saved state and
    #                                the git evidence of the files evaluated (compliance): their digest
    VALUE = "value"                # small plain data: a digest of the value itself
    ALWAYS = "always"              # cannot be keyed (every item in full): a page that reads it is always rendered


@dataclass(frozen=True)
class Setting:
    """A setting of ``pelicanconf.py`` (or one the build passes to Pelican). Settings are keyed as BUILD."""

    name: str
    doc: str


@dataclass(frozen=True)
class ContextVariable:
    """A name a plugin adds to the template context, and how incremental rendering treats it."""

    name: str
    incremental: Incremental
    doc: str


@dataclass(frozen=True)
class CacheFolder:
    """A folder of saved state under the project root, made by a plugin and read back by its next runs.

    ``setting`` (optional) names a setting that moves it (relative to the project root, or absolute).
    ``site_inputs(folder, site_id, whole_province)`` lists the files of the folder that a site's pages
    are made of: the build renders a site again when one of them changes (None: pages read none)."""

    name: str
    default: str
    doc: str
    setting: str = ""
    site_inputs: Callable[[Path, str, bool], list[Path]] | None = None


@dataclass(frozen=True)
class Page:
    """A page a plugin writes into a site (output path → template name), for the quality gates' source map."""

    save_as: str
    template: str


@dataclass(frozen=True)
class ProvincePage:
    """A page a plugin writes under the output root, outside every site (``save_as``; one ending in ``/``
    stands for every page under it), and the plugin's own template file that writes it (an absolute path),
    for the quality gates' source map."""

    save_as: str
    template: Path


@dataclass(frozen=True)
class Declaration:
    """Everything one plugin adds: settings, context variables, cache folders, pages."""

    plugin: str
    settings: tuple[Setting, ...] = ()
    context: tuple[ContextVariable, ...] = ()
    folders: tuple[CacheFolder, ...] = ()
    pages: tuple[Page | ProvincePage, ...] = ()


# Pelican's own context, as every site's templates see it: made of the site's items, or of the call.
_PELICAN_CONTENT = ("articles", "dates", "pages", "hidden_pages", "draft_pages", "drafts", "hidden_articles", "tags",
                    "categories", "authors", "period_archives", "static_links", "static_content", "articles_page",
                    "articles_paginator", "articles_previous_page", "articles_next_page", "dates_page",
                    "dates_paginator", "dates_previous_page", "dates_next_page", "all_articles", "translations")
_PELICAN_CALL = ("output_file", "localsiteurl", "SITEURL", "page_name")


# The list of the province's portals (portal.province_index), the one page the core writes outside the sites.
PROVINCE_INDEX = ProvincePage("index.html", Path(__file__).parent / "templates" / "province-index.html")

CORE = Declaration(
    "portal",
    settings=(
        Setting("PORTAL_SCHEDULE_HORIZON_DAYS", "days ahead within which a dated item is scheduled, not an error"),
        Setting("PORTAL_DVC_QUOC_GIA", "the national public-service portal and its procedure search"),
        Setting("PORTAL_ALLOWED_EMBEDS", "iframe sources an item body may embed (portal.sanitize)"),
        Setting("PORTAL_LOGO", "the emblem's path under the output root (theme)"),
        Setting("PORTAL_EXTRA_CSS", "a style sheet added after the theme's (theme)"),
        Setting("PORTAL_PAGEFIND", "the Pagefind binary to index with (default: the pinned pagefind[bin] wheel's)"),
        # Set by the build for each site's Pelican run (portal.render.settings_for, portal.build):
        Setting("PORTAL", "the site's validated site.yaml (also in the context)"),
        Setting("PORTAL_PROJECT", "the portal.project.Project of the build: root, settings, named folders"),
        Setting("PORTAL_DOCUMENTS", "real path → checked Document of every item of the site (the reader's input)"),
        Setting("PORTAL_PROVINCE", "site id → SiteCheck: the site itself in full, the others' metadata"),
        Setting("PORTAL_EVIDENCE", "repository path → portal.history.FileHistory: when each file was committed"),
        Setting("PORTAL_AS_OF", "the build's evaluation date (datetime.date)"),
        Setting("PORTAL_NOW", "the build's now: which items are due"),
        Setting("PORTAL_PAGE_DIGESTS", "what portal.incremental keys pages with, and the last publish's manifest"),
        Setting("PORTAL_REFUSED_STATIC", "attachments refused by the check, kept out of the static files"),
    ),
    context=(
        *(ContextVariable(name, Incremental.SITE_CONTENT, "Pelican's own") for name in _PELICAN_CONTENT),
        *(ContextVariable(name, Incremental.CALL, "Pelican's own, per written page") for name in _PELICAN_CALL),
        ContextVariable("PORTAL_SECTIONS", Incremental.SITE_CONTENT, "sections with published items, menu order"),
        ContextVariable("SECTION_BY_ID", Incremental.SITE_CONTENT, "section id → section, empty ones too"),
        ContextVariable("PORTAL_PAGES", Incremental.SITE_CONTENT, "published introduction pages, menu order"),
        ContextVariable("PORTAL_PROVINCE", Incremental.OTHER_SITES, "every site's check, for lists of the province"),
        ContextVariable("PORTAL_DOCUMENTS", Incremental.ALWAYS, "every item in full: never keyed"),
    ),
    folders=(
        CacheFolder("build", ".cache/build", "checks, content hashes, page manifests, published fingerprints"),
        CacheFolder("jinja", ".cache/jinja", "compiled templates and what each template reads"),
        CacheFolder("bench", ".cache/bench", "invoke bench: the synthetic province and its results"),
        CacheFolder("xem-thu", ".cache/xem-thu", "invoke serve: the pages the warm preview rendered since it started"),
    ),
    pages=(PROVINCE_INDEX,),
)

_DECLARED: dict[str, Declaration] = {}  # plugin name → declaration, filled by each plugin's register()


def declare(declaration: Declaration) -> None:
    """Called from a plugin's ``register()``; declaring again replaces (register may run more than once)."""
    _DECLARED[declaration.plugin] = declaration


@dataclass(frozen=True)
class Contract:
    """The declarations of the core and of every plugin of ``PLUGINS``, core first."""

    declarations: tuple[Declaration, ...]

    def context_variable(self, name: str) -> ContextVariable | None:
        return next((v for d in self.declarations for v in d.context if v.name == name), None)

    def settings(self) -> dict[str, Setting]:
        return {s.name: s for d in self.declarations for s in d.settings}

    def folders(self) -> tuple[CacheFolder, ...]:
        return tuple(f for d in self.declarations for f in d.folders)

    def pages(self) -> dict[str, str]:
        """Pages inside every site: output path → theme template name."""
        return {p.save_as: p.template for d in self.declarations for p in d.pages if isinstance(p, Page)}

    def province_pages(self) -> dict[str, Path]:
        """Pages under the output root, outside every site: output path → template file."""
        return {p.save_as: p.template for d in self.declarations for p in d.pages if isinstance(p, ProvincePage)}


def load(plugins: list[str] | tuple[str, ...]) -> Contract:
    """Import each plugin of ``PLUGINS`` and call its ``register()`` (as Pelican does), then collect what
    they declared. A plugin that cannot be imported stops the command (nothing is built without it)."""
    for name in plugins:
        importlib.import_module(name).register()
    names = ["portal", *(name for name in plugins if name != "portal")]
    return Contract(tuple(_DECLARED[name] for name in names if name in _DECLARED))
