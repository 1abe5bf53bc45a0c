"""The warm preview session of ``invoke serve`` and ``invoke cms``: what each saved file does, and a version.

:class:`LivePreview` keeps the province's sites warm (:mod:`portal.warm`) for as long as the preview
runs. A saved item of a warm site is checked and rendered alone into the preview's folder; anything else
(``site.yaml``, an attachment, a deleted or new folder, the theme, a plugin, the settings) is built
as before with :func:`portal.build.build_province`, after which the site is read warm again. Followers
(the aggregation's, :func:`aggregate.warm.follower`) render what other sites show of the edit.

Every change that wrote pages moves :attr:`LivePreview.version`; open tabs poll it and reload
(:mod:`portal.preview`); a refused file does not move it. A saved file with errors writes nothing: its
problems (file, line, field, in Vietnamese) are shown in the tab over the last good pages until it is mended.
"""

from __future__ import annotations

import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from . import check, crashes, sites
from .build import Moment, build_province
from .problems import ERROR, Problem, relpath
from .project import Project
from .warm import WarmError, WarmSite, is_item

logger = logging.getLogger(__name__)
FOLDER = "xem-thu"  # the preview's pages (a CacheFolder of the core contract)

# (site id, preview folder, the session) → files written, relative to the preview folder
Follower = Callable[[str, Path, "LivePreview"], list[str]]


class LivePreview:
    """The province kept warm; the version and the refused files that open tabs are shown."""

    def __init__(self, project: Project, site_ids: list[str] | None = None, followers: tuple[Follower, ...] = ()):
        self.project = project
        self.folder = project.folder(FOLDER)
        self.chosen = set(site_ids or ())
        self.followers = list(followers)
        self.version = 0
        self.problems: dict[str, list[Problem]] = {}  # a refused file → its problems (until mended)
        self.moved: dict[str, str] = {}  # an item's old address → its new one (URL paths), for open tabs
        self._sites: dict[str, WarmSite] = {}
        self._lock = threading.RLock()  # one change at a time
        self._snapshot = {"phien_ban": 0, "van_de": []}  # what open tabs are told
        self.moment = Moment.of(project, None)
        self._province: dict = {}

    def start(self) -> None:
        """Forget earlier preview pages; read the province's light checks; warm the chosen sites (every
        site when none is chosen) and the provincial site."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder.mkdir(parents=True, exist_ok=True)
        found, _ = sites.discover(self.project.content, self.project.root)
        cache = self.project.folder("build")
        self._province = {d.name: check.light_check(d, self.project.root, cache, self.moment.now,
                                                    self.project.settings) for d in found}
        for site_dir in found:
            province = bool(self._province[site_dir.name].site
                            and self._province[site_dir.name].site.config.get("cap") == "tinh")
            if not self.chosen or site_dir.name in self.chosen or province:
                self.site(site_dir.name)

    def site(self, site_id: str) -> WarmSite | None:
        """The warm site (read now if it is not yet); None when its check has errors (the build says which)."""
        with self._lock:
            if site_id not in self._sites:
                site_dir = self.project.content / site_id
                try:
                    self._sites[site_id] = WarmSite(self.project, site_dir, self._province, self.moment.now,
                                                    self.moment.as_of, self.folder)
                except WarmError:
                    return None
                except Exception:  # a fault of ours: the site is built cold on each change, as before
                    logger.exception("xem-thu: không đọc được cổng %s vào bộ nhớ", site_id)
                    return None
            return self._sites[site_id]

    def state(self) -> dict:
        """What open tabs poll: the version and every refused file's problems (as text and as fields). Read
        without waiting for an edit under way: a snapshot, replaced when a change is done."""
        return self._snapshot

    def _publish(self) -> None:
        problems = [p for path in sorted(self.problems) for p in self.problems[path]]
        self._snapshot = {"phien_ban": self.version,
                          "van_de": [dict(p.as_dict(), van_ban=p.format()) for p in problems]}

    def apply(self, paths: list[Path]) -> list[str]:
        """Take saved files (absolute paths); returns one line per file or site for the terminal."""
        lines, cold = [], set()
        content = self.project.content
        with self._lock:
            for path in paths:
                if not path.is_relative_to(content):
                    cold.add("")  # the theme, a plugin or the settings: every site
                    continue
                site_id = path.relative_to(content).parts[0]
                site = self.site(site_id) if path.is_file() and is_item(content / site_id, path) else None
                if site is None:
                    cold.add(site_id)
                    continue
                lines.append(self._edit(site, path))
            if cold:
                lines += self._rebuild(sorted(cold))
            self._publish()
        return lines

    def _edit(self, site: WarmSite, path: Path) -> str:
        try:
            edit = site.edit(path)
        except Exception as exc:  # noqa: BLE001 - a fault of ours: this file's problem, the preview goes on
            self._sites.pop(site.site_id, None)  # it may be half-updated: read again from the files next time
            rel = relpath(path, self.project.root)
            self.problems[rel] = [crashes.problem(self.project.root, rel, exc, "xem-thu")]
            return self.problems[rel][0].format()
        if not edit.ok:
            self.problems[edit.path] = edit.problems  # shown in open tabs; no page changed, none reloads
            errors = sum(p.severity == ERROR for p in edit.problems)
            head = f"{edit.path}: {errors} lỗi, trang cũ được giữ nguyên (trình duyệt cũng hiện các lỗi này):"
            return "\n".join([head, *(p.format() for p in edit.problems)])
        self.problems.pop(edit.path, None)
        written = [f"{site.site_id}/{name}" for name in edit.written]
        if edit.moved:
            old, new = (f"/{site.site_id}/{url}" for url in edit.moved)
            self.moved = {k: (new if v == old else v) for k, v in self.moved.items() if k != new}
            self.moved[old] = new
        for follow in self.followers:
            try:
                written += follow(site.site_id, self.folder, self)
            except Exception:  # a follower's fault leaves the edited site's own pages served
                logger.exception("xem-thu: không cập nhật được trang liên quan của %s", edit.path)
        self.version += 1
        return f"{edit.path}: {len(written)} tệp được dựng lại trong {edit.seconds:.2f} giây."

    def _rebuild(self, site_ids: list[str]) -> list[str]:
        """Build the sites (every one for "") as ``invoke build`` does, then read them warm again."""
        targets = None if "" in site_ids else [s for s in site_ids if (self.project.content / s).is_dir()]
        if targets == []:
            return []
        result = build_province(self.project, targets)
        lines = []
        for entry in result.sites:
            lines.append(f"{entry.site_id}: " + ("đã xây dựng lại" if entry.built else "LỖI - giữ bản cũ"))
        for problem in result.all_problems():
            lines.append(problem.format())
        for entry in result.sites:  # the site's refused files, shown in open tabs until mended
            prefix = relpath(self.project.content / entry.site_id, self.project.root) + "/"
            self.problems = {k: v for k, v in self.problems.items() if not k.startswith(prefix)}
            for problem in entry.problems:
                if problem.severity == ERROR:
                    self.problems.setdefault(problem.path, []).append(problem)
        rebuilt = {s.site_id for s in result.sites if s.built}
        for site_id in rebuilt:
            shutil.rmtree(self.folder / site_id, ignore_errors=True)
            self.moved = {k: v for k, v in self.moved.items() if not k.startswith(f"/{site_id}/")}
            if self._sites.pop(site_id, None) is not None:
                self._province[site_id] = check.light_check(self.project.content / site_id, self.project.root,
                                                            self.project.folder("build"), self.moment.now,
                                                            self.project.settings)
                self.site(site_id)
            for follow in self.followers:
                follow(site_id, self.folder, self)
        self.version += 1
        return lines

