"""Housekeeping of the build: what a killed build leaves is removed, builds take turns, the build report keeps
every site's last result, and the preview serves only what production publishes."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, build, copy_case
from conftest import project as project_at

from portal import lock, staging
from portal.preview import PreviewHandler

BUILD_SCRIPT = """
import sys
sys.path.insert(0, {plugins!r})
from pathlib import Path
from portal.build import build_province
root = Path({root!r})
from portal.project import Project
result = build_province(Project.load(root, Path({settings!r})), {sites!r}, jobs=1, search=False)
print("XONG", [(s.site_id, s.built) for s in result.sites], flush=True)
"""

HOLD_SCRIPT = """
import sys
sys.path.insert(0, {plugins!r})
from pathlib import Path
from portal.lock import build_lock
with build_lock(Path({root!r})):
    print("GIU", flush=True)
    sys.stdin.readline()
"""


def start(script: str, root: Path, sites=None, **popen) -> subprocess.Popen:
    code = script.format(plugins=str(ROOT / "plugins"), root=str(root), settings=str(ROOT / "pelicanconf.py"),
                         sites=sites)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, **popen)


def add_news(root: Path, count: int) -> None:
    """Enough real items that rendering takes a few seconds (a window to kill the build in)."""
    folder = root / "content" / "so-mau" / "tin-tuc"
    for n in range(count):
        (folder / f"2026-02-{n % 28 + 1:02d}-tin-them-{n}.md").write_text(
            f'---\ntieu_de: "Tin bổ sung số {n} về cải cách hành chính"\nngay: 2026-02-{n % 28 + 1:02d}\n'
            f'tom_tat: "Tóm tắt tin bổ sung số {n}."\n---\n' + "Nội dung đoạn văn của tin bổ sung.\n\n" * 20,
            encoding="utf-8")


def test_a_killed_build_leaves_no_half_site_and_the_next_build_cleans_up(tmp_path):
    root = copy_case("basic", tmp_path)
    add_news(root, 400)
    out = root / "output"
    proc = start(BUILD_SCRIPT, root, ["so-mau"])
    area = staging.folder(out)
    deadline = time.monotonic() + 240
    caught = None
    while time.monotonic() < deadline and proc.poll() is None:
        rendering = [p for p in area.glob("so-mau-*") if (p / "tin-tuc").is_dir()]
        if rendering:
            caught = rendering[0]
            os.killpg(proc.pid, signal.SIGKILL)  # the worker process too
            break
        time.sleep(0.01)
    proc.wait(timeout=60)
    assert caught is not None, "the build ended before it could be killed: " + proc.stderr.read()[-2000:]
    assert caught.exists()                            # what kill -9 leaves behind...
    assert not (out / "so-mau").exists()              # ...never where the site is published
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # nor anything hidden in output/
    result = build(root, ["so-mau"])
    assert result.sites[0].built
    assert list(area.iterdir()) == []
    assert (out / "so-mau" / "tin-tuc" / "index.html").is_file()


def test_leftovers_of_older_versions_are_removed(tmp_path):
    root = copy_case("basic", tmp_path)
    assert build(root, ["so-mau"]).sites[0].built
    out = root / "output"
    for name in (".tmp-so-mau-99999", ".old-so-mau-99999"):
        (out / name / "tin-tuc").mkdir(parents=True)
        (out / name / "tin-tuc" / "index.html").write_text("<p>nửa chừng</p>", encoding="utf-8")
    (out / ".tmp-abc123").write_text("{", encoding="utf-8")  # a killed atomic write
    (staging.folder(out) / "so-mau-424242").mkdir()
    result = build(root, ["so-mau"])  # nothing changed: the site is not rendered, the leftovers still go
    assert result.sites[0].skipped
    assert sorted(p.name for p in out.iterdir()) == ["build-report.json", "index.html", "so-mau"]
    assert list(staging.folder(out).iterdir()) == []


def test_the_replaced_version_is_removed_once_every_page_is_online(tmp_path):
    """Publishing swaps the new site in and leaves the version it replaced in the staging folder; stage 6
    (after the provincial aggregate, with ``invoke build --aggregate``) removes it. Publishing the same site
    again before then removes the older one first."""
    from portal import render
    from portal.build import build_province, index_published

    root = copy_case("basic", tmp_path)
    project = project_at(root)
    assert build(root, ["so-mau"]).sites[0].built
    news = next((root / "content" / "so-mau" / "tin-tuc").glob("*.md"))
    news.write_text(news.read_text(encoding="utf-8") + "\nThêm một câu.\n", encoding="utf-8")
    result = build_province(project, ["so-mau"], jobs=1, search=False, index=False)
    retired = staging.retired_folder(root / "output" / "so-mau")
    assert result.sites[0].built and (retired / "index.html").is_file()  # online, the old version not yet gone
    index_published(project, result)
    assert not retired.exists()
    again = tmp_path / "moi"
    again.mkdir()
    (again / "index.html").write_text("<p>bản mới</p>", encoding="utf-8")
    render.publish(again, root / "output" / "so-mau", retire_later=True)
    newer = tmp_path / "moi-hon"
    newer.mkdir()
    (newer / "index.html").write_text("<p>bản mới hơn</p>", encoding="utf-8")
    render.publish(newer, root / "output" / "so-mau", retire_later=True)  # the retired one is still there
    assert (retired / "index.html").read_text(encoding="utf-8") == "<p>bản mới</p>"
    render.remove_retired(root / "output" / "so-mau")
    assert not retired.exists() and (root / "output" / "so-mau" / "index.html").read_text(encoding="utf-8") == \
        "<p>bản mới hơn</p>"


def test_staging_is_beside_output_so_previews_and_copies_never_see_it(tmp_path):
    out = tmp_path / "output"
    assert staging.folder(out) == tmp_path / ".output.staging"
    assert staging.site_folder(out, "stp").parent == tmp_path / ".output.staging"
    assert staging.retired_folder(out / "stp").parent == tmp_path / ".output.staging"


def test_a_second_build_waits_for_the_first_and_says_so(tmp_path):
    root = copy_case("basic", tmp_path)
    holder = start(HOLD_SCRIPT, root, stdin=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "GIU"
    builder = start(BUILD_SCRIPT, root, ["so-mau"])
    try:
        line = builder.stderr.readline()  # blocks until the builder says it waits (or ends)
        assert "Đang có một lần xây dựng khác chạy trên cùng thư mục dự án" in line, line
        assert f"tiến trình {holder.pid}" in line and "bắt đầu lúc" in line
        assert builder.poll() is None and not (root / "output" / "so-mau").exists()
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
    holder.wait(timeout=60)
    out, err = builder.communicate(timeout=300)
    assert builder.returncode == 0, err
    assert "XONG [('so-mau', True)]" in out
    assert (root / "output" / "so-mau" / "index.html").is_file()


def test_two_builds_started_together_both_finish_with_one_consistent_output(tmp_path):
    root = copy_case("basic", tmp_path)
    first, second = start(BUILD_SCRIPT, root, ["so-mau"]), start(BUILD_SCRIPT, root, None)
    outputs = [p.communicate(timeout=300) for p in (first, second)]
    assert [p.returncode for p in (first, second)] == [0, 0], outputs
    assert any("Đang có một lần xây dựng khác" in err for _, err in outputs)  # one of them waited
    report = json.loads((root / "output" / "build-report.json").read_text(encoding="utf-8"))
    assert {c["ma"]: c["da_xay_dung"] for c in report["cong"]} == {"so-mau": True, "xa-loi": False}
    assert list(staging.folder(root / "output").iterdir()) == []


def test_the_lock_is_reentrant_within_one_process_and_can_time_out(tmp_path):
    with lock.build_lock(tmp_path), lock.build_lock(tmp_path):  # aggregate holds it, then builds
        pass
    holder = start(HOLD_SCRIPT, tmp_path, stdin=subprocess.PIPE)
    notes = []
    try:
        assert holder.stdout.readline().strip() == "GIU"
        with pytest.raises(lock.LockTimeout), lock.build_lock(tmp_path, timeout=0.5, notify=notes.append):
            pass
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    assert len(notes) == 1 and f"tiến trình {holder.pid}" in notes[0]
    with lock.build_lock(tmp_path, timeout=5):  # released when its holder ends
        pass


def test_report_keeps_the_last_result_of_sites_not_built_this_time(tmp_path):
    root = copy_case("basic", tmp_path)
    build(root)  # so-mau builds, xa-loi has content errors
    path = root / "output" / "build-report.json"
    first = json.loads(path.read_text(encoding="utf-8"))
    xa_loi = [p for p in first["van_de"] if p["cong"] == "xa-loi"]
    assert xa_loi and first["thanh_cong"] is False
    assert build(root, ["so-mau"]).ok  # what `invoke aggregate` does for the provincial site
    report = json.loads(path.read_text(encoding="utf-8"))
    by_id = {c["ma"]: c for c in report["cong"]}
    assert by_id["so-mau"]["lan_nay"] is True and by_id["so-mau"]["da_xay_dung"] is True
    assert by_id["xa-loi"]["lan_nay"] is False and by_id["xa-loi"]["da_xay_dung"] is False
    assert by_id["xa-loi"]["so_loi"] == first["cong"][1]["so_loi"] > 0
    assert [p for p in report["van_de"] if p["cong"] == "xa-loi"] == xa_loi
    assert report["thanh_cong"] is True and report["ca_tinh_thanh_cong"] is False
    # A site removed from content/ leaves the report.
    import shutil

    shutil.rmtree(root / "content" / "xa-loi")
    build(root, ["so-mau"])
    report = json.loads(path.read_text(encoding="utf-8"))
    assert [c["ma"] for c in report["cong"]] == ["so-mau"] and report["ca_tinh_thanh_cong"] is True
    assert not [p for p in report["van_de"] if p["cong"] == "xa-loi"]


def test_preview_serves_pages_but_not_hidden_files(tmp_path):
    (tmp_path / "so-mau").mkdir()
    (tmp_path / "so-mau" / "index.html").write_text("<p>Trang chủ</p>", encoding="utf-8")
    (tmp_path / ".crash-so-mau.log").write_text("Traceback: /home/bien-tap/...", encoding="utf-8")
    (tmp_path / ".staging" / "so-mau-1").mkdir(parents=True)
    (tmp_path / ".staging" / "so-mau-1" / "index.html").write_text("<p>nửa chừng</p>", encoding="utf-8")
    handler = functools.partial(PreviewHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with urllib.request.urlopen(f"{base}/so-mau/index.html", timeout=10) as page:
            assert "Trang chủ" in page.read().decode("utf-8")
        for hidden in ("/.crash-so-mau.log", "/.staging/so-mau-1/index.html", "/%2Estaging/so-mau-1/",
                       "/so-mau/../.crash-so-mau.log"):
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(base + hidden, timeout=10)
            assert refused.value.code == 404, hidden
    finally:
        server.shutdown()


def test_aggregation_waits_for_a_running_build_too(tmp_path, caplog):
    from aggregate.pipeline import aggregate

    root = copy_case("basic", tmp_path)  # no provincial registry: the run ends with LookupError once it starts
    holder = start(HOLD_SCRIPT, root, stdin=subprocess.PIPE)
    outcome: list = []

    def run():
        try:
            aggregate(project_at(root, root / "output"), dt.date(2026, 11, 23),
                      dt.datetime(2026, 11, 23, 9, 0))
        except LookupError as exc:
            outcome.append(str(exc))

    try:
        assert holder.stdout.readline().strip() == "GIU"
        with caplog.at_level("WARNING", logger="portal.lock"):
            worker = threading.Thread(target=run)
            worker.start()
            deadline = time.monotonic() + 60
            while not caplog.records and time.monotonic() < deadline:
                time.sleep(0.05)
            assert "Đang có một lần xây dựng khác" in caplog.records[0].getMessage()
            assert worker.is_alive() and not outcome  # waiting, nothing read yet
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    worker.join(timeout=120)
    assert outcome and "tong_hop" in outcome[0]
