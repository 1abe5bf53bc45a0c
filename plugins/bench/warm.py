"""The warm editing loop, measured as an editor lives it: a file saved on disk → the open tab shows it.

:func:`measure` starts ``invoke serve --site SITE`` on a built and aggregated project (the suite's state
after ``ours_aggregate``), opens the item's page and the page of the provincial news list that lists it
(``tong-hop/tin-tuc/``) in headless Chromium, writes a new summary (``tom_tat``) into the item's file, and
times until both tabs, reloaded by the preview's live reload, show it. The same kind of edit is then timed
with ``hugo server`` over the Hugo baseline of the site (:func:`bench.baselines.hugo_tree`), whose front
matter has no summary: the title, on the item's page only, Hugo having no provincial aggregate.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import baselines, trash
from .measure import tree_memory_kb

MARK = "Sửa nóng"  # the words the edit puts at the start of the title
READY_SECONDS = 900  # how long a server may take to start (the warm one builds, then reads the sites)


def measure(project: Path, site: str, item: Path, hugo: bool = True) -> dict:
    """``seconds``: file write → Chromium sees the new summary on the item's page and on the page of the
    provincial news list (``tong-hop/tin-tuc/``) that lists it;
    ``memory_mb``: the warm server's RSS (process tree); ``hugo_server_seconds``: the same edit with
    ``hugo server`` (None when ``hugo`` is False or Hugo is missing). The item's file is restored after."""
    from portal.document import load

    project, item = Path(project), Path(item)
    original = item.read_text(encoding="utf-8")
    doc, _ = load(item, project / "content" / site, item.parent.name, project)
    province = _province(project)
    port = _free_port()
    from bench.suite import user_environment

    env = user_environment()
    server = subprocess.Popen([sys.executable, "-m", "invoke", "serve", "--port", str(port), "--site", site],
                              cwd=project, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result: dict = {"site": site, "item": str(item.relative_to(project))}
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/__xem-thu/phien-ban", server)
        pages = [f"{base}/{site}/{doc.url}", _listing(f"{base}/{province}/tong-hop/tin-tuc/", doc.url)]
        result["seconds"] = _edit_seen(item, original, pages, _with_summary(original))
        rss, _pss = tree_memory_kb(server.pid)
        result["memory_mb"] = round(rss / 1024, 1)
    finally:
        item.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)
    result["hugo_server_seconds"] = _hugo(project, site, item) if hugo else None
    return result


def _edit_seen(item: Path, original: str, urls: list[str], edited: str) -> float:
    """Open ``urls``, write ``edited`` into ``item``, and return the seconds until every tab shows MARK."""
    from quality.accessibility import chromium

    with chromium() as browser:
        tabs = []
        for url in urls:
            tab = browser.new_page()
            tab.goto(url)
            tabs.append(tab)
        time.sleep(0.5)  # every tab's live-reload script has read the version it started with
        started = time.perf_counter()
        item.write_text(edited, encoding="utf-8")
        for tab in tabs:
            tab.wait_for_function(f"() => document.body && document.body.innerText.includes({MARK!r})",
                                  polling=10, timeout=120_000)
        return round(time.perf_counter() - started, 3)


def _with_summary(text: str) -> str:
    """The item with MARK at the start of its summary (``tom_tat``): shown on its page and on the provincial
    news list, and it leaves the item's address and place in the lists as they were."""
    if re.search(r"(?m)^tom_tat: ", text):
        return re.sub(r"(?m)^tom_tat: (\"?)", lambda m: f"tom_tat: {m.group(1)}{MARK} ", text, count=1)
    return text.replace("\n---\n", f"\ntom_tat: {MARK}\n---\n", 1)


def _listing(first: str, item_url: str) -> str:
    """The page of the provincial news list (``tong-hop/tin-tuc/``) that lists the item."""
    url, number = first, 1
    while True:
        with urllib.request.urlopen(url, timeout=30) as answer:
            if item_url in answer.read().decode("utf-8"):
                return url
        number += 1
        if number > 1000:
            raise LookupError(f"{item_url} is on no page of {first}")
        url = f"{first}trang-{number}.html"


def _hugo(project: Path, site: str, item: Path) -> float | None:
    """The same title edit under ``hugo server`` (its own live reload), over the site's Hugo baseline."""
    from .suite import hugo_binary

    work = project.parent / "hugo-server"
    trash.discard(work)
    source = work / "tinh" / "content" / site  # the edited site alone, hard-linked
    shutil.copytree(project / "content" / site, source, copy_function=os.link)
    tree = baselines.hugo_tree(work / "tinh", work / "hugo")[0]
    target = tree / "content" / item.parent.name / item.name
    port = _free_port()
    server = subprocess.Popen([hugo_binary(), "server", "-s", str(tree), "--bind", "127.0.0.1", "--port", str(port),
                               "--baseURL", f"http://127.0.0.1:{port}/", "--appendPort=false"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        _wait_http(base + "/", server)
        original = target.read_text(encoding="utf-8")
        edited = re.sub(r"(?m)^title: (['\"]?)", lambda m: f"title: {m.group(1)}{MARK} ", original, count=1)
        return _edit_seen(target, original, [f"{base}/{item.parent.name}/{item.stem}/"], edited)
    except (OSError, TimeoutError):
        return None
    finally:
        server.terminate()
        server.wait(timeout=30)


def _province(project: Path) -> str:
    for site_yaml in sorted((project / "content").glob("*/site.yaml")):
        if re.search(r"(?m)^cap: tinh\s*$", site_yaml.read_text(encoding="utf-8")):
            return site_yaml.parent.name
    raise LookupError("no provincial site")


def _free_port() -> int:
    with contextlib.closing(socket.socket()) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_http(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + READY_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise TimeoutError(f"the server stopped (exit {server.returncode}) before answering {url}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"no answer from {url}")
