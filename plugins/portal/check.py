"""Validate a whole site without building it: every file, every reference, every URL.

The files come from a :class:`portal.listing.Listing` (listed and hashed once); :func:`check_site` lists
and validates, :func:`light_check` answers from the light cache when no file changed.

One file can never stop the check of the others: each is read within a time budget
(:mod:`portal.limits`) and any unexpected exception becomes that file's problem (:mod:`portal.crashes`).
Which valid items are due and which are scheduled is decided last, for this run (:mod:`portal.schedule`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import (
    attachments,
    crashes,
    document,
    limits,
    listing,
    periods,
    procedure_checks,
    related,
    schedule,
    schema,
    sites,
)
from .cache import DocumentCache, code_version, read_pickle, write_pickle
from .problems import ERROR, Problem, relpath


@dataclass
class SiteCheck:
    """What checking one site found: its config, its valid documents and every problem."""

    site_dir: Path
    site: sites.Site | None
    documents: list[document.Document] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    fingerprint: str = ""  # hash of every input file of the site (content, site.yaml, attachment list)
    metadata: str = ""     # hash of what pages other than an item's own show of it (see metadata_digest)
    scheduled: list[document.Document] = field(default_factory=list)  # valid, dated after now: not published
    lasting: bool = True   # every file's result may be kept (none was over its time budget or raised)
    sections: tuple[str, ...] | None = None  # checked only for these sections (another site's văn bản); None: all

    @property
    def ok(self) -> bool:
        return self.site is not None and not any(p.severity == ERROR for p in self.problems)

    @property
    def item_count(self) -> int:
        """How many valid items are due (``len(documents)``, without reading a stored check's documents)."""
        return len(self.documents)

    def cited(self) -> list[str]:
        """The numbers (casefolded ``so_ky_hieu``) of the văn bản its due items cite as legal bases."""
        return sorted({ref["so_ky_hieu"].casefold() for d in self.documents
                       for ref in (d.fields.get("can_cu_phap_ly") or [])})

    def light(self, types: tuple[str, ...] | None = None) -> SiteCheck:
        """The same check without bodies and HTML (a body keeps one character if it had any, so
        "has a body" still answers): what compliance and other sites need, at a fraction of the memory."""
        def strip(docs):
            return [dataclasses.replace(d, body="…" if d.body.strip() else "", html="", html_key="", clean_html="",
                                        clean_key=())
                    for d in docs if types is None or d.type.id in types]

        return SiteCheck(self.site_dir, self.site, strip(self.documents), list(self.problems), self.fingerprint,
                         self.metadata, strip(self.scheduled))


def check_site(site_dir: Path, root: Path | None = None, max_bytes: int = document.MAX_FILE_BYTES,
               sections: tuple[str, ...] | None = None, cache_dir: Path | None = None,
               now: dt.datetime | None = None, settings: Mapping | None = None) -> SiteCheck:
    """Load ``site.yaml`` and every content file of ``site_dir`` (or only ``sections``); never raises.

    With ``cache_dir``, a file whose bytes (and the site's attachment list) are unchanged since the last
    run is not parsed or validated again. ``now`` (default: the clock, Vietnam time) decides which valid
    items are due and which are scheduled. ``settings`` are the project's (``Project.settings``): the iframe
    sources bodies may embed and the scheduling horizon (their defaults without).
    """
    return guarded(site_dir, root, now, lambda: validate(
        listing.list_site(site_dir, root, cache_dir, sections, max_bytes, settings), cache_dir), settings)


def light_check(site_dir: Path, root: Path | None, cache_dir: Path, now: dt.datetime | None = None,
                settings: Mapping | None = None) -> SiteCheck:
    """:func:`check_site` in its light form (:meth:`SiteCheck.light`): what compliance and the other sites
    read. A site none of whose files changed comes back from one small cache file; never raises."""
    def light() -> SiteCheck:
        listed = listing.list_site(site_dir, root, cache_dir, settings=settings)
        return stored_light(listed, cache_dir) or validate_light(listed, cache_dir, now, settings)

    return guarded(site_dir, root, now, light, settings)


def guarded(site_dir: Path, root: Path | None, now: dt.datetime | None, step,
            settings: Mapping | None = None) -> SiteCheck:
    """``step()``, whose unexpected failure becomes the site's problem; then which items are due at ``now``."""
    try:
        result = step()
    except Exception as exc:  # noqa: BLE001 - a failure outside any one file: the site's problem, not the run's
        return crashed(site_dir, root, exc)
    return due(result, now, settings)


def crashed(site_dir: Path, root: Path | None, exc: Exception) -> SiteCheck:
    """The check of a site whose checking failed unexpectedly: one problem, the traceback in a log file."""
    base = Path(root) if root is not None else Path(site_dir).parent.parent
    problem = crashes.problem(base, relpath(site_dir, root), exc, "cong")
    return SiteCheck(site_dir=site_dir, site=None, problems=[problem])


def due(result: SiteCheck, now: dt.datetime | None, settings: Mapping | None = None) -> SiteCheck:
    """Which valid items of a check are due at ``now`` (default: the clock) and which are scheduled (or
    beyond the horizon of the project's ``settings``)."""
    when, days = now or schedule.now(), schedule.horizon_days(settings)
    if isinstance(result, StoredCheck) and result.apply_due(when, days):
        return result
    return schedule.apply(result, when, days)


def _light_cache(listed: listing.Listing, cache_dir: Path | None) -> Path | None:
    return cache_dir / f"{listed.site_dir.name}.light.pickle" if cache_dir and listed.complete else None


def _light_key(listed: listing.Listing) -> tuple:
    return code_version(), listed.fingerprint, listed.max_bytes, str(listed.site_dir.resolve())


def stored_light(listed: listing.Listing, cache_dir: Path | None) -> SiteCheck | None:
    """The light form the last check of exactly these inputs saved (before scheduling), or None: a
    :class:`StoredCheck`, whose documents are unpickled only when read."""
    path = _light_cache(listed, cache_dir)
    stored = (read_pickle(path, {}) or {}) if path else {}
    if (stored.get("version"), stored.get("fingerprint"), stored.get("max_bytes"), stored.get("where")) == \
            _light_key(listed) and "documents" in stored:
        return StoredCheck.of(stored["check"], stored["documents"], stored["count"], stored["van_ban"],
                              stored["due"])
    return None


def validate_light(listed: listing.Listing, cache_dir: Path | None, now: dt.datetime | None = None,
                   settings: Mapping | None = None) -> SiteCheck:
    """:func:`validate`, in its light form, saved for the next run when every file's result may be kept,
    with which of its items are due at ``now`` and until when that holds (:meth:`StoredCheck.apply_due`)."""
    result = validate(listed, cache_dir)
    light = result.light()
    path = _light_cache(listed, cache_dir)
    if path is not None and result.lasting:
        version, fingerprint, max_bytes, where = _light_key(listed)
        write_pickle(path, {"version": version, "fingerprint": fingerprint, "max_bytes": max_bytes, "where": where,
                            "check": dataclasses.replace(light, documents=[]),
                            "documents": pickle.dumps(light.documents, protocol=pickle.HIGHEST_PROTOCOL),
                            "count": len(light.documents),
                            "van_ban": [d for d in light.documents if d.type.id == "van-ban"],
                            "due": _due_window(light, now or schedule.now(), schedule.horizon_days(settings))})
    return light


def _due_window(light: SiteCheck, when: dt.datetime, days: int) -> dict:
    """What :func:`due` makes of ``light`` at ``when``, and the moments between which it makes the same."""
    applied = schedule.apply(SiteCheck(light.site_dir, light.site, list(light.documents), list(light.problems),
                                       light.fingerprint, light.metadata), when, days)
    kept = {d.rel for d in applied.documents}
    return {"when": when, "until": schedule.next_change(light.documents, when, days), "days": days,
            "excluded": sorted(d.rel for d in light.documents if d.rel not in kept),
            "scheduled": applied.scheduled, "problems": applied.problems[len(light.problems):],
            "metadata": applied.metadata, "cited": applied.cited()}


class StoredCheck(SiteCheck):
    """A light check read back from its cache file (:func:`stored_light`), its documents still pickled.

    A build that changes one site reads every other site's check, but only for its site.yaml, fingerprint,
    problems and văn bản (kept apart, unpickled), and compliance for its metadata and problems while they
    are unchanged: 20 sites of 1,000 items cost 0.4 s to unpickle on every ``invoke build``. The documents
    are unpickled when something reads them. Which items are due is taken from the last check while no
    date has been reached since (:func:`schedule.next_change`); otherwise :func:`due` splits them again."""

    @classmethod
    def of(cls, head: SiteCheck, documents: bytes, count: int, van_ban: list, window: dict) -> StoredCheck:
        stored = cls(head.site_dir, head.site, [], list(head.problems), head.fingerprint, head.metadata, [],
                     head.lasting)
        del stored.documents  # read from the pickle when first asked for (__getattr__)
        stored._pickled, stored._count, stored._van_ban = documents, count, van_ban
        stored._window, stored._excluded, stored._split = window, frozenset(), False
        return stored

    def cited(self) -> list[str]:
        if "documents" in self.__dict__ or not self._split:
            return super().cited()
        return list(self._window["cited"])

    @property
    def item_count(self) -> int:
        if "documents" in self.__dict__:
            return len(self.documents)
        return self._count - len(self._excluded)

    def __getattr__(self, name: str):
        state = self.__dict__
        if name != "documents" or "_pickled" not in state:
            raise AttributeError(name)
        docs = [d for d in pickle.loads(state["_pickled"]) if d.rel not in state["_excluded"]]
        self.documents = docs
        return docs

    def apply_due(self, when: dt.datetime, days: int) -> bool:
        """The split of the last check, when it holds at ``when`` (else False: the caller splits anew)."""
        window = self.__dict__.get("_window")
        if "documents" in self.__dict__ or not window or window["days"] != days or when < window["when"] \
                or (window["until"] is not None and when >= window["until"]):
            return False
        self.problems.extend(window["problems"])
        self.scheduled, self.metadata = list(window["scheduled"]), window["metadata"]
        self._excluded, self._split = frozenset(window["excluded"]), True
        return True

    def light(self, types: tuple[str, ...] | None = None) -> SiteCheck:
        if "documents" in self.__dict__ or types is None or set(types) - {"van-ban"}:
            return super().light(types)
        return SiteCheck(self.site_dir, self.site, [d for d in self._van_ban if d.rel not in self._excluded],
                         list(self.problems), self.fingerprint, self.metadata,
                         [d for d in self.scheduled if d.type.id in types])


def validate(listed: listing.Listing, cache_dir: Path | None = None) -> SiteCheck:
    """Parse and validate each listed file (or take it from the content-hash cache), then the checks of the
    site's items taken together. Raises only on a failure outside any one file (see :func:`guarded`)."""
    site_dir, root, site = listed.site_dir, listed.root, listed.site
    result = SiteCheck(site_dir=site_dir, site=site, problems=list(listed.problems))
    # A partial listing (only some sections: another site's văn bản) keeps a cache file of its own, so
    # saving it never drops the entries of the site's full check.
    name = site_dir.name if listed.complete else f"{site_dir.name}.{'+'.join(listed.sections)}"
    cache = DocumentCache(cache_dir, name)
    for entry in listed.entries:
        if isinstance(entry, Problem):
            result.problems.append(entry)
            continue
        path, type_id, rel_path, key = entry
        cached = cache.get(rel_path, key)
        if cached is None:
            doc, doc_problems, lasting = _load(Path(path), site_dir, type_id, root, listed.max_bytes, listed.embeds,
                                               rel_path, listed.summary)
            if lasting:
                cache.put(rel_path, key, doc, doc_problems)
            # A file over its budget or whose check raised is tried again next run: no light cache.
            result.lasting = result.lasting and lasting
        else:
            doc, doc_problems = cached
        result.problems.extend(doc_problems)
        if doc is not None and not any(p.severity == ERROR for p in doc_problems):
            result.documents.append(doc)
    # Procedures taken together (codes, levels, spellings); two files sharing a code also share an address:
    # said once, as the duplicate code it is.
    shared = procedure_checks.site_problems(result.documents, site.config if site else None,
                                            relpath(site_dir / sites.SITE_FILE, root))
    result.problems.extend(shared)
    duplicates = procedure_checks.duplicate_files(shared)
    result.problems.extend(p for p in _url_collisions(result.documents) if p.path not in duplicates)
    result.problems.extend(document.asset_problems(site_dir, root))
    result.problems.extend(attachments.problems(site_dir, root))
    result.problems.extend(periods.problems(result.documents))
    result.problems.extend(related.problems(result.documents))
    result.fingerprint = listed.fingerprint
    result.metadata = metadata_digest(result.documents, listed.assets, site_dir)
    cache.save()
    return result


def load_one(path: Path, site_dir: Path, type_id: str, root: Path | None, rel: str, embeds,
             max_bytes: int = document.MAX_FILE_BYTES) -> tuple[document.Document | None, list[Problem], bool]:
    """One file checked alone, exactly as :func:`validate` checks each file (the preview's warm edit)."""
    return _load(path, site_dir, type_id, root, max_bytes, embeds, rel)


def _load(path: Path, site_dir: Path, type_id: str, root: Path | None, max_bytes: int, embeds, rel: str,
          summary: tuple | None = None) -> tuple[document.Document | None, list[Problem], bool]:
    """:func:`document.load` within the time budget, never raising: (document, problems, whether the
    result may be cached). A file over its budget or whose check raised gets one problem and is tried
    again next time (the cause may be the machine's load, or code mended since)."""
    seconds = limits.TIME_BUDGET_SECONDS
    try:
        with limits.time_budget(seconds):
            doc, problems = document.load(path, site_dir, type_id, root, max_bytes, allowed_embeds=embeds,
                                          summary=summary)
        return doc, problems, True
    except limits.OverBudget:
        return None, [limits.over_budget(rel, seconds)], False
    except Exception as exc:  # noqa: BLE001 - any failure of ours or a library's is this file's alone
        base = Path(root) if root is not None else Path(site_dir).parent.parent
        return None, [crashes.problem(base, rel, exc, "tep")], False


def metadata_digest(documents: list[document.Document], assets: str, site_dir: Path) -> str:
    """Everything of a site's items that pages other than the item's own page can show: front matter,
    title, URL, status and the start of the body (summaries), plus site.yaml and the attachment list.
    An edit to the rest of a body leaves it unchanged (see :mod:`portal.incremental`)."""
    digest = hashlib.sha1(assets.encode())
    if (site_dir / sites.SITE_FILE).is_file():
        digest.update((site_dir / sites.SITE_FILE).read_bytes())
    for doc in documents:
        digest.update(json.dumps([doc.rel, doc.title, doc.slug, doc.url, doc.summary_key, doc.fields],
                                 sort_keys=True, default=str, ensure_ascii=False).encode())
    return digest.hexdigest()


def _url_collisions(documents: list[document.Document]) -> list[Problem]:
    """Items that would be written to the same URL: one error per URL, listing every file (file:line of
    the field the address comes from) and a ``duong_dan`` for each but the first."""
    by_url: dict[str, list[document.Document]] = {}
    for doc in documents:
        by_url.setdefault(doc.url, []).append(doc)
    problems = []
    for url, docs in sorted(by_url.items()):
        if len(docs) < 2:
            continue
        docs = sorted(docs, key=lambda d: d.rel)
        first, fields = docs[0], [document.address_field(d) for d in docs]
        places = [f"{d.rel}:{d.line_of((f,))}" for d, f in zip(docs, fields, strict=True)]
        advice = "; ".join(f"{d.rel}: «duong_dan: {d.slug}-{n}»" for n, d in enumerate(docs[1:], 2))
        problems.append(Problem(first.rel, first.line_of((fields[0],)),
                                f"{len(docs)} tin bài cùng địa chỉ «{url}»: khi đăng, các bài ghi đè lên nhau và chỉ"
                                " còn lại một bài.",
                                field=fields[0], label=schema.label(first.type.id, (fields[0],)),
                                expected="mỗi bài một địa chỉ riêng: thêm trường «duong_dan:» vào phần thông tin của"
                                         f" các bài sau, ví dụ {advice}",
                                found=", ".join(places), code="trung-duong-dan"))
    return problems
