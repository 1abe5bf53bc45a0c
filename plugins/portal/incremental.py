"""Page-level incremental rendering: a page whose inputs did not change is not rendered again.

Pelican renders every page of a site on every build. :class:`IncrementalWriter` (returned from the
``get_writer`` signal) gives each ``write_file`` call a key made of exactly what the page is made of,
and when the last published build wrote the same key it hard-links the published files into the new
build instead of rendering them:

- the template and the call (output name, URL, pagination);
- the ``build`` digest: code, theme and settings version, the evaluation date, the site's configuration
  and git evidence (computed by :mod:`portal.build`, which also decides when a whole site is unchanged);
- the ``site_content`` digest: the site's *metadata*: every item's front matter, title, URL and a digest
  of the start of its body (what a summary on a list page can show). A body-only edit leaves it unchanged;
- the item's own body for the item's page (``article`` / ``page``);
- for each context variable the template (with everything it extends, includes or imports) reads, found
  by Jinja's own static analysis, what its declared class (:class:`portal.contract.Incremental`) says:
  the ``other_sites`` digest (the other sites this site reports on and the plugins' saved state), a
  digest of the value, or nothing more; only "is it defined" for a variable the template only tests
  with ``is defined``. Each plugin declares its variables from its ``register()`` (:mod:`portal.contract`).

A feed is reused the same way (:meth:`IncrementalWriter.feed_key`): its file, the two digests and the
body of each item it carries.

Anything the key cannot vouch for is rendered as before: a template that includes a computed name, a
context variable of unknown provenance, a keyword argument of an unknown type, no previous manifest,
``--force``. The manifest (key → files) is written by :mod:`portal.build` after a successful publish.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
from pathlib import Path

from jinja2 import meta, nodes
from pelican.contents import Content
from pelican.urlwrappers import URLWrapper

from . import contract
from .cache import read_pickle, write_pickle
from .contract import Incremental
from .document import SUMMARY_WORDS
from .feeds import FeedWriter

MANIFEST_FORMAT = 1


def manifest_path(cache_dir: Path, site_id: str) -> Path:
    return cache_dir / f"{site_id}.pages.json"


def read_manifest(path: Path, published: Path) -> dict:
    """The last publish of ``published``: ``{"trang": {key: [files]}, "tim_kiem": digest}``; empty when
    missing or written for another folder."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if data.get("phien_ban") != MANIFEST_FORMAT or data.get("thu_muc") != str(published.resolve()):
        return {}
    return data


def write_manifest(path: Path, published: Path, pages: dict, search: str = "") -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".tmp-{path.name}-{os.getpid()}")
    tmp.write_text(json.dumps({"phien_ban": MANIFEST_FORMAT, "thu_muc": str(published.resolve()), "trang": pages,
                               "tim_kiem": search}, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)


def record_search(path: Path, published: Path, search: str) -> None:
    """The published search index is now made from the pages of digest ``search`` (kept with the manifest)."""
    data = read_manifest(path, published)
    if data:
        write_manifest(path, published, data.get("trang", {}), search)


def _records_digest(values) -> str:
    """What a paginated list adds to a page's key. A site's own items (Pelican content) are part of the
    ``site_content`` digest, so their number says enough; anything else (the provincial aggregate's merged
    news, plain dicts) is digested whole: the page shows their titles and addresses, which nothing else in
    the key covers."""
    if all(isinstance(v, Content) for v in values):
        return ""
    return hashlib.sha1(json.dumps(list(values), sort_keys=True, default=str, ensure_ascii=False).encode()).hexdigest()


def _sha(*parts) -> str:
    digest = hashlib.sha1()
    for part in parts:
        digest.update(str(part).encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


class TemplateReads:
    """What each template reads from its context, with every template it extends, includes or imports.

    Parsing a template costs tens of milliseconds: each template's own reads are kept by the hash of
    its source, in memory and in ``store`` (a pickle beside the compiled-template cache), written once
    after a render by :meth:`save` when something new was analysed.
    """

    def __init__(self, store: Path | None = None):
        self.store = store
        self._own: dict[str, tuple | None] = (read_pickle(store, {}) or {}) if store else {}
        self._merged: dict[tuple[int, str], tuple[frozenset, frozenset] | None] = {}
        self._dirty = False

    def save(self) -> None:
        if self._dirty and self.store is not None:
            write_pickle(self.store, self._own)
        self._dirty = False

    def of(self, template) -> tuple[frozenset, frozenset] | None:
        """(names read, names only tested with ``is defined``), or None when it cannot be known."""
        found = self._analyse(template.environment, template.name, ())
        if found is None:
            return None
        names, needs_value = found
        return names, names - needs_value

    def _analyse(self, env, name: str | None, stack: tuple):
        """(names read, names whose value is read) over the template and all it references."""
        if name is None or name in stack:
            return None  # a computed name, or a template that includes itself: unknown
        key = (id(env), name)
        if key in self._merged:
            return self._merged[key]
        own = self._own_reads(env, name)
        result = None
        if own is not None:
            names, needs_value, refs = set(own[0]), set(own[1]), own[2]
            for ref in refs:
                sub = self._analyse(env, ref, stack + (name,))
                if sub is None:
                    names = None
                    break
                names |= sub[0]
                needs_value |= sub[1]
            if names is not None:
                result = (frozenset(names), frozenset(needs_value))
        self._merged[key] = result
        return result

    def _own_reads(self, env, name: str):
        try:
            source = env.loader.get_source(env, name)[0]
        except Exception:  # noqa: BLE001 - a template that cannot be read: render, never guess
            return None
        digest = hashlib.sha1(f"{name}\0{source}".encode()).hexdigest()
        if digest not in self._own:
            try:
                ast = env.parse(source)
                names = frozenset(meta.find_undeclared_variables(ast))
                refs = tuple(meta.find_referenced_templates(ast))
                self._own[digest] = (names, frozenset(names - _presence_only(ast)), refs)
            except Exception:  # noqa: BLE001
                self._own[digest] = None
            self._dirty = True
        return self._own[digest]


def _presence_only(ast) -> set[str]:
    """Names whose every use is ``name is defined`` / ``is undefined``."""
    tested: dict[str, int] = {}
    for test in ast.find_all(nodes.Test):
        if test.name in ("defined", "undefined") and isinstance(test.node, nodes.Name):
            tested[test.node.name] = tested.get(test.node.name, 0) + 1
    used: dict[str, int] = {}
    for name in ast.find_all(nodes.Name):
        if name.ctx == "load":
            used[name.name] = used.get(name.name, 0) + 1
    return {n for n, count in tested.items() if used.get(n) == count}


_READS: dict[Path, TemplateReads] = {}  # a memo: one analysis per store in this process (a worker renders many)


def template_reads(store: Path) -> TemplateReads:
    """What templates read, kept in ``store``; its owner saves it after a render (:meth:`TemplateReads.save`)."""
    if store not in _READS:
        _READS[store] = TemplateReads(store)
    return _READS[store]


class IncrementalWriter(FeedWriter):
    """Pelican's writer, reusing the published file of every page whose key is unchanged."""

    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        config = (settings or {}).get("PORTAL_PAGE_DIGESTS") or {}
        self.enabled = bool(config)
        self.digests = config
        self.published = Path(config["published"]) if config.get("published") else None
        self.previous = dict(config.get("previous") or {})
        self.documents = (settings or {}).get("PORTAL_DOCUMENTS") or {}
        self.pages: dict[str, list[str]] = {}   # this build's manifest
        self.stats = {"reused": 0, "rendered": 0, "uncached": 0}
        self._recording: list[str] | None = None
        self._values: dict[str, str] = {}
        self._folders: set[str] = set()  # folders of the new build made for reused files
        summary = (settings or {}).get("SUMMARY_MAX_LENGTH")
        if summary is None or summary > SUMMARY_WORDS:
            self.previous = {}  # summaries longer than the digested start of a body: reuse nothing
        here = (settings or {}).get("PORTAL_PROJECT")
        self.contract = here.contract if here else contract.Contract(())
        # How each declared context variable is keyed, by name, the first declaration's (as
        # Contract.context_variable finds it): a page looks up every name it reads.
        self._kinds: dict[str, Incremental] = {}
        for declared in self.contract.declarations:
            for variable in declared.context:
                self._kinds.setdefault(variable.name, variable.incremental)
        self.reads = template_reads(here.folder("jinja") / "template-reads.pickle") if here else TemplateReads()

    # -- the key -------------------------------------------------------------------------------
    def page_key(self, name, template, context, relative_urls, paginated, template_name, url, kwargs) -> str | None:
        reads = self.reads.of(template)
        if reads is None:
            return None
        names, presence = reads
        parts = [template.name, name, url, template_name, bool(relative_urls),
                 sorted((k, len(v), _records_digest(v)) for k, v in (paginated or {}).items()),
                 self.digests.get("build"), self.digests.get("site_content")]
        for var in sorted(names):
            kind = self._kinds.get(var)
            if var in kwargs:
                value = self._value(kwargs[var])
                if value is None:
                    return None
                parts.append((var, value))
            elif var in presence:
                parts.append((var, var in context))
            elif kind is Incremental.ALWAYS:
                return None
            elif kind in (Incremental.CALL, Incremental.SITE_CONTENT, Incremental.BUILD) or var not in context:
                continue
            elif kind is Incremental.OTHER_SITES:
                parts.append((var, self.digests.get("other_sites")))
            elif kind is Incremental.VALUE:
                parts.append((var, self._context_value(var, context)))
            elif var.isupper() and var in self.settings:
                continue  # a setting: part of the build digest
            elif var in template.environment.globals:
                continue  # a filter-like global from the code: part of the build digest
            else:
                return None  # a context variable of unknown provenance: render
        return _sha(*parts)

    def _value(self, value):
        """Digest of a keyword argument, or None when its type is not understood."""
        if value is None or isinstance(value, (str, int, float, bool)):
            return repr(value)
        if isinstance(value, Content):
            path = value.source_path or ""
            doc = self.documents.get(os.path.abspath(path)) or self.documents.get(str(Path(path).resolve()))
            if doc is None:
                return None
            return _sha(doc.rel, doc.body)
        if isinstance(value, URLWrapper):
            return f"{type(value).__name__}:{value.name}:{value.slug}"
        if isinstance(value, (list, tuple)):
            inner = [self._value(v) if not isinstance(v, Content) else (v.source_path or "") for v in value]
            return None if any(v is None for v in inner) else _sha(*inner)
        section_id = getattr(value, "id", None)
        if type(value).__name__ == "Section" and isinstance(section_id, str):
            return f"section:{section_id}"  # its items are content: part of M
        return None

    def _context_value(self, var: str, context: dict) -> str:
        """Digest of a context value. Pickle bytes: two different values never pickle alike (a value
        that pickles differently but is equal only costs a render); JSON when it cannot be pickled."""
        if var not in self._values:
            value = context.get(var)
            try:
                data = pickle.dumps(value, protocol=5)
            except Exception:  # noqa: BLE001
                data = json.dumps(value, sort_keys=True, default=str, ensure_ascii=False).encode("utf-8")
            self._values[var] = hashlib.sha1(data).hexdigest()
        return self._values[var]

    def feed_key(self, elements, path, url, feed_type, feed_title) -> str | None:
        """A feed's key: its file, address, type and title, the build and ``site_content`` digests (which
        items, in which order, with which titles, dates and addresses) and the body of each item it carries
        (Atom gives the whole content, RSS the summary). None when an item is not one of the site's
        documents (the provincial aggregate's merged news): such a feed is always written."""
        shown = elements[: self.settings.get("FEED_MAX_ITEMS")]
        items = [self._value(item) if isinstance(item, Content) else None for item in shown]
        if any(item is None for item in items):
            return None
        # The site's addresses (SITEURL, the feed domain) come from its site.yaml: part of the build digest.
        return _sha("feed", path, url, feed_type, feed_title, self.digests.get("build"),
                    self.digests.get("site_content"), *items)

    # -- reuse or render ------------------------------------------------------------------------
    def write_file(self, name, template, context, relative_urls=False, paginated=None, template_name=None,
                   override_output=False, url=None, **kwargs):
        if not self.enabled or not name:
            return super().write_file(name, template, context, relative_urls, paginated, template_name,
                                      override_output, url, **kwargs)
        key = self.page_key(name, template, context, relative_urls, paginated, template_name, url, kwargs)
        return self._reuse_or(key, lambda: super(IncrementalWriter, self).write_file(
            name, template, context, relative_urls, paginated, template_name, override_output, url, **kwargs))

    def write_feed(self, elements, context, path=None, url=None, feed_type="atom", override_output=False,
                   feed_title=None):
        """Pelican's feed, or the published file when the feed's key is unchanged: most feeds of a site
        (one per section) do not carry the item an edit changed, and making one costs a summary and the
        whole content of each of its items. Returns None (Pelican's generators ignore the feed object)."""
        if not self.enabled or not path:
            return super().write_feed(elements, context, path, url, feed_type, override_output, feed_title)
        key = self.feed_key(elements, path, url, feed_type, feed_title)
        return self._reuse_or(key, lambda: super(IncrementalWriter, self).write_feed(
            elements, context, path, url, feed_type, override_output, feed_title))

    def _reuse_or(self, key: str | None, write) -> None:
        """Hard-link the files published under ``key``, else ``write()`` them and remember them under it."""
        if key is not None and self._reuse(self.previous.get(key)):
            self.pages[key] = self.previous[key]
            self.stats["reused"] += 1
            return None
        self._recording = []
        try:
            write()
        finally:
            written, self._recording = self._recording, None
        self.stats["rendered" if key is not None else "uncached"] += 1
        if key is not None:
            self.pages[key] = written
        return None

    def _reuse(self, files: list[str] | None) -> bool:
        """Hard-link the published ``files`` into this build; False (and nothing left behind) if one is gone
        or already written (``os.link`` never replaces a file)."""
        if not files or self.published is None:
            return False
        made = []
        for rel in files:
            source, target = os.path.join(self.published, rel), os.path.abspath(os.path.join(self.output_path, rel))
            try:
                folder = os.path.dirname(target)
                if folder not in self._folders:
                    os.makedirs(folder, exist_ok=True)
                    self._folders.add(folder)
                os.link(source, target)
            except OSError:
                for path in made:
                    with contextlib.suppress(OSError):
                        os.unlink(path)
                return False
            made.append(target)
            self._written_files.add(target)
        return True

    def _open_w(self, filename, encoding, override=False):
        # A reused file is a hard link to the published page: writing through it would change the
        # published site, so the link is removed first whenever Pelican is about to write the file.
        writes = filename not in self._overridden_files and (filename not in self._written_files or override)
        if writes and filename != os.devnull:
            if self._recording is not None:
                self._recording.append(Path(os.path.relpath(filename, os.path.abspath(self.output_path))).as_posix())
            if os.path.lexists(filename) and (os.path.islink(filename) or os.stat(filename).st_nlink > 1):
                os.unlink(filename)
        return super()._open_w(filename, encoding, override)


def get_writer(pelican):
    """``get_writer`` receiver."""
    return IncrementalWriter
