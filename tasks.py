"""Tasks for building, previewing and checking the province's portals (run with ``invoke``).

    invoke build [--site ID ...] [--production] [--as-of D]   build sites into output/<site>/
    invoke check [--site ID ...] [--as-of D]       validate content without building
    invoke check --fix [--dry-run]                mend NFC and look-alike letters in place, then validate
    invoke serve [--port 8000]                    warm preview: a saved item re-rendered alone, live reload
    invoke cms [--site ID]                        web editor (Decap CMS) on 127.0.0.1, saving to this git repo
    invoke new --type tin-tuc --site stp --title "..."   scaffold an item
    invoke import-docx FILE --site X --type TYPE  import a Word file as a new item (import-pdf: a text PDF)
    invoke import-server [--port 8082]            the "Nhập từ Word" page of the web editor, on 127.0.0.1
    invoke compliance [--as-of 2026-11-23] [--strict]   compliance reports for the province
    invoke aggregate [--as-of 2026-11-23]         merge every unit into the provincial portal (after build)
    invoke matrix --since <git-ref>               sites affected by a change (JSON, for CI)
    invoke bench [--quick] [--sizes 5x1000,40x1000]   benchmark against Pelican (+ Pagefind) and Hugo
    invoke bench-serve [--sites 4 --items 250]   the warm editing loop alone: save → open tab shows it
    invoke bench-search [--query "..."]           bytes one search fetches on the provincial portal
    invoke lock [--upgrade]                       resolve requirements*.txt into hashed requirements*.lock
    invoke clean                                  remove output/
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import shutil
import sys
import threading
from pathlib import Path

from invoke import Exit, task

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "plugins"))

from portal import build_report, console, content_types, fixes, scaffold, schedule, sites  # noqa: E402
from portal import check as checking  # noqa: E402
from portal.build import build_province  # noqa: E402
from portal.problems import ERROR, PortalError  # noqa: E402
from portal.project import Project  # noqa: E402

OUTPUT = ROOT / "output"
PYTHON_FLOOR = "3.11.5"  # the oldest Python the pinned set installs on (soupsieve 4.1.4 needs 3.11.5)
CONTENT = ROOT / "content"


def _project(production: bool = False) -> Project:
    """The project this command works on: made once, passed down (portal.project)."""
    return Project.load(ROOT, ROOT / ("publishconf.py" if production else "pelicanconf.py"), OUTPUT)


def _sites(project: Project, site) -> list[Path]:
    """The site folders chosen with --site (all when none is given); exit 2 on a site that does not exist."""
    site_dirs, _ = sites.discover(project.content, project.root)
    unknown = sorted(set(site or []) - {d.name for d in site_dirs})
    if unknown:
        raise Exit(f"Không có cổng: {', '.join(unknown)}. Các cổng có: {', '.join(d.name for d in site_dirs)}.",
                   code=2)
    return [d for d in site_dirs if not site or d.name in site]


def _as_of(text: str, with_time: bool = True):
    """``--as-of`` of every task: None when not given, else the moment (``with_time``) or the day; exit 2
    when it is not one."""
    if not text:
        return None
    moment = schedule.parse_as_of(text)
    if moment is None:
        shape = "YYYY-MM-DD hoặc \"YYYY-MM-DD HH:MM\"" if with_time else "YYYY-MM-DD"
        raise Exit(f"--as-of phải là ngày{' (giờ)' if with_time else ''} có thật dạng {shape}, đang là «{text}».",
                   code=2)
    return moment if with_time else moment.date()


def _report(result) -> int:
    problems = result.all_problems()
    if problems:
        print(console.format_problems(problems))
        print()
    rows = []
    for s in result.sites:
        errors, warnings = console.count(s.problems)
        state = "không đổi" if s.skipped else ("đã xây dựng" if s.built else "LỖI - giữ bản cũ")
        if s.built and not s.skipped and s.reused:
            state += f" ({s.rendered} trang mới, {s.reused} trang giữ nguyên)"
        rows.append((s.site_id, s.name, state, errors, warnings))
    if rows:
        print(console.summary_table(rows))
    waiting = [(rel, when) for s in result.sites for rel, when in s.scheduled]
    if waiting:
        print(f"\nHẹn giờ đăng ({len(waiting)} bài, chưa xuất bản; lần xây dựng đầu tiên sau giờ hẹn sẽ đăng):")
        print("\n".join(f"    {rel}: đăng từ {when}" for rel, when in waiting))
    errors, warnings = console.count(problems)
    built = sum(s.built for s in result.sites)
    unchanged = sum(s.skipped for s in result.sites)
    note = f" ({unchanged} cổng không thay đổi nên không xây dựng lại)" if unchanged else ""
    print(f"\nĐã xây dựng {built}/{len(result.sites)} cổng{note}; {errors} lỗi, {warnings} cảnh báo.")
    print(_search_line(result))
    return result.exit_code


def _clock(when: float) -> str:
    return dt.datetime.fromtimestamp(when).strftime("%H:%M:%S")


def _published(result) -> None:
    """Printed by build_province once every site is online, before the search indexes are made."""
    online = [s for s in result.sites if s.published_at]
    if online:
        print(f"Đã đăng lúc {_clock(max(s.published_at for s in online))}: {', '.join(s.site_id for s in online)}.",
              flush=True)
    due = [s.site_id for s in result.sites if s.search_due]
    if due:
        print(f"Đang tạo chỉ mục tìm kiếm (tìm kiếm vẫn dùng chỉ mục cũ đến khi xong): {', '.join(due)}.", flush=True)


def _search_line(result) -> str:
    """When the new search indexes were ready, or which failed (their last good index stays)."""
    failed = [s.site_id for s in result.search_failed]
    indexed = [s for s in result.sites if s.indexed_at]
    supplemented = [s for s in result.sites if s.supplemented_at]
    parts = []
    if supplemented:
        parts.append(f"Trang vừa sửa đã tìm được lúc {_clock(max(s.supplemented_at for s in supplemented))} "
                     f"(chỉ mục bổ sung: {', '.join(s.site_id for s in supplemented)}).")
    if indexed:
        parts.append(f"Tìm kiếm sẵn sàng lúc {_clock(max(s.indexed_at for s in indexed))} "
                     f"(chỉ mục mới: {', '.join(s.site_id for s in indexed)}).")
    if failed:
        parts.append(f"LỖI chỉ mục tìm kiếm: {', '.join(failed)} (trang đã đăng; tìm kiếm vẫn dùng chỉ mục cũ; "
                     "lần xây dựng sau sẽ tạo lại).")
    return "\n".join(parts) if parts else "Chỉ mục tìm kiếm không cần tạo lại."


@task(iterable=["site"], help={
    "site": "mã cổng cần xây dựng (lặp lại để chọn nhiều cổng); bỏ trống để xây dựng tất cả",
    "production": "dùng publishconf.py: đường dẫn tuyệt đối theo tên miền của từng cổng",
    "jobs": "số tiến trình song song (mặc định: số lõi CPU)",
    "no_search": "bỏ qua bước tạo chỉ mục tìm kiếm Pagefind",
    "force": "xây dựng lại cả các cổng không có thay đổi",
    "as_of": "xây dựng như vào thời điểm này, YYYY-MM-DD hoặc \"YYYY-MM-DD HH:MM\" (mặc định: bây giờ): bài hẹn giờ"
             " đăng sau thời điểm này chưa được đăng; cũng là ngày đánh giá tuân thủ",
    "aggregate": "tổng hợp luôn vào cổng tỉnh (như invoke aggregate) trước khi tạo chỉ mục tìm kiếm: một sửa đổi"
                 " lên mạng cả ở trang tổng hợp của tỉnh sớm nhất có thể",
})
def build(c, site=None, production=False, jobs=0, no_search=False, force=False, as_of="", aggregate=False):
    """Build every site (or the given ones) into output/<site>/; a failed site keeps its last good output.

    A site whose inputs did not change since its last build is skipped (content hashes, not mtimes). Every
    site is published first, then the changed ones are indexed for search; with --aggregate the provincial
    aggregate is published in between (one command from an edit to the provincial pages and feed).
    """
    project = _project(production)
    _sites(project, site)
    if aggregate:
        code = _build_and_aggregate(project, site, int(jobs), not no_search, force, _as_of(as_of))
    else:
        result = build_province(project, site or None, jobs=int(jobs), search=not no_search, force=force,
                                now=_as_of(as_of), published=_published)
        build_report.record_run(project.output / build_report.REPORT_NAME, "build", result)
        code = _report(result)
    index = OUTPUT / "index.html"
    if index.exists():
        print(f"Mở trang danh sách các cổng: {index}")
        print("Hoặc xem thử qua máy chủ cục bộ: invoke serve, rồi mở http://localhost:8000/")
    if code:
        raise Exit(code=code)


@task(iterable=["site"], help={
    "site": "mã cổng cần kiểm tra (lặp lại để chọn nhiều cổng)",
    "as_of": "kiểm tra như vào thời điểm này, YYYY-MM-DD hoặc \"YYYY-MM-DD HH:MM\" (mặc định: bây giờ)",
    "fix": "trước khi kiểm tra, tự sửa thẳng trong tệp các lỗi chữ chắc chắn sửa được: chữ dạng tổ hợp (NFD),"
           " chữ trông giống chữ tiếng Việt (Ð → Đ…), dấu cách không ngắt trong phần thông tin",
    "dry_run": "cùng --fix: chỉ liệt kê những chỗ sẽ sửa, không ghi vào tệp",
})
def check(c, site=None, as_of="", fix=False, dry_run=False):
    """Validate content and site.yaml of every site (or the given ones) without building anything.

    With --fix, first mend in place what portal.letters mends on read (NFC, unambiguous look-alike letters,
    no-break spaces in front matter) and print each change; --dry-run only prints them. Exit 1 while content
    errors remain, 2 on wrong use.
    """
    if dry_run and not fix:
        raise Exit("--dry-run chỉ dùng cùng --fix: invoke check --fix --dry-run", code=2)
    project = _project()
    site_dirs = _sites(project, site)
    problems = sites.discover(project.content, project.root)[1]
    now = _as_of(as_of)
    if fix:
        print(fixes.report([fixes.fix_site(d, ROOT, write=not dry_run) for d in site_dirs], write=not dry_run) + "\n")
    rows, waiting = [], []
    for site_dir in site_dirs:
        result = checking.check_site(site_dir, project.root, now=now, settings=project.settings)
        problems += result.problems
        waiting += [d.rel for d in result.scheduled]
        errors, warnings = console.count(result.problems)
        rows.append((site_dir.name, result.site.name if result.site else "", "đạt" if result.ok else "LỖI",
                     errors, warnings))
    if problems:
        print(console.format_problems(problems) + "\n")
    print(console.summary_table(rows))
    errors, warnings = console.count(problems)
    if waiting:
        print(f"\nHẹn giờ đăng (đã kiểm tra, chưa xuất bản): {', '.join(waiting)}")
    print(f"\nĐã kiểm tra {len(rows)} cổng: {errors} lỗi, {warnings} cảnh báo.")
    if any(p.severity == ERROR for p in problems):
        raise Exit(code=1)


@task(help={"port": "cổng mạng của máy chủ xem thử",
            "site": "chỉ giữ sẵn trong bộ nhớ cổng này (và cổng tỉnh); các cổng khác được đọc khi có tệp đổi"})
def serve(c, port=8000, site=None):
    """Preview output/ at http://localhost:PORT/, warm: a saved item is re-rendered alone and open tabs reload.

    Builds first, then keeps every site (or --site and the provincial site) read in memory (portal.live);
    a saved item shows in the open tab within a second, its problems too; other changes rebuild the site.
    """
    project = _project()
    _sites(project, [site] if site else None)
    _report(build_province(project, [site] if site else None))
    import http.server  # here, not with the module: every other command would pay its import (50 ms)

    from portal.preview import PreviewHandler

    live = _live_preview(project, site)
    handler = functools.partial(PreviewHandler, directory=str(OUTPUT), live=live)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"Đang phục vụ {OUTPUT} tại http://localhost:{port}/ (Ctrl+C để dừng)")
    try:
        _rebuild_on_change(project, live)
    except KeyboardInterrupt:
        server.shutdown()


def _live_preview(project: Project, site=None):
    """The warm preview (portal.live) with the aggregation's follower: the provincial news pages follow a
    unit's edit."""
    from aggregate.warm import follower
    from portal.live import LivePreview

    print("Đang đọc các cổng vào bộ nhớ để xem thử nhanh...")
    follow = follower(project, schedule.now(), prime=[site] if site else None)
    live = LivePreview(project, [site] if site else None, followers=(follow,) if follow else ())
    live.start()
    return live


def _rebuild_on_change(project: Project, live) -> None:
    """Re-render each saved item (rebuild a site on any other change) until Ctrl+C (portal.live)."""
    from watchfiles import watch

    shared = (project.root / "themes", project.root / "plugins", project.settings_file)
    for changes in watch(project.content, *shared, debounce=400, step=20):
        for line in live.apply(sorted({Path(p) for _, p in changes})):
            print(line)


@task(help={
    "site": "mã cổng cần biên tập (mặc định: in địa chỉ trang biên tập của mọi cổng)",
    "port": "cổng mạng của máy chủ xem thử và biên tập (mặc định 8000)",
    "host": "địa chỉ lắng nghe: chỉ 127.0.0.1 (decap-server không có đăng nhập)",
    "import_port": "cổng mạng của trang «Nhập từ Word/PDF» (mặc định 8082)",
})
def cms(c, site="", port=8000, host="127.0.0.1", import_port=8082):
    """Edit content in the browser on this machine: Decap CMS at /<site>/quan-tri/, saving to this git repository.

    Starts decap-server (git mode, pinned in package.json), the preview server and the "Nhập từ Word/PDF" page
    (plugins/importer/server.py), all on 127.0.0.1 only;
    each item is a branch cms/<type>/<slug> until it is published (merged into the published branch). The
    preview is rebuilt when files change, as with invoke serve. Exit 2 for another address or a missing setup.
    """
    from editor import local
    from editor.config import ADMIN
    from importer import server as import_server

    try:
        local.check_address(host)
    except local.LocalEditorError as exc:
        raise Exit(str(exc), code=2) from None
    project = _project()
    _sites(project, [site] if site else None)
    _report(build_province(project, [site] if site else None))
    stray = local.untracked(project.root)
    if stray:  # decap-server commits with «git add .»: these would go into the next item's commit
        print(f"Lưu ý: {len(stray)} tệp chưa được git theo dõi sẽ bị đưa vào commit của bài tiếp theo "
              f"(decap-server ghi bằng «git add .»): {', '.join(stray[:5])}{' …' if len(stray) > 5 else ''}. "
              "Hãy commit, xóa hoặc thêm chúng vào .gitignore trước khi biên tập.")
    try:
        output = project.output
        live = _live_preview(project, site or None)
        with local.editor(project.root, output, host, int(port), log=project.cache / "decap-server.log",
                          live=live) as base:
            shown = [site] if site else sorted(p.name for p in output.iterdir() if (p / ADMIN / "index.html").is_file())
            print("Trình biên tập (chỉ trên máy này, lưu thẳng vào kho git tại " + str(project.root) + "):")
            print("\n".join(f"    {s}: {local.admin_url(base, s)}" for s in shown))
            importing = import_server.start(project.root, int(import_port), allowed_origins=[base])
            print(f"Nhập từ Word/PDF: {importing.url}")
            print(f"Xem thử các cổng: {base}/ (Ctrl+C để dừng)")
            try:
                _rebuild_on_change(project, live)
            finally:
                importing.shutdown()
    except local.LocalEditorError as exc:
        raise Exit(str(exc), code=2) from None
    except KeyboardInterrupt:
        pass


@task(help={
    "type": "loại tin bài: " + ", ".join(t.id for t in content_types.TYPES),
    "site": "mã cổng (thư mục trong content/)",
    "title": "tiêu đề",
})
def new(c, type, site, title=""):  # noqa: A002 - 'type' is the option editors type
    """Create a new item of the given type in a site, with valid front matter to fill in."""
    try:
        # Vietnam time: an item made now is due now, not scheduled hours ahead on a machine in another zone.
        path = scaffold.create(CONTENT, site, type, title, schedule.now())
    except scaffold.ScaffoldError as exc:
        raise Exit(str(exc), code=2) from None
    print(f"Đã tạo {path.relative_to(ROOT)}; hãy điền các trường còn trống rồi chạy: invoke check --site {site}")


def _import(path: str, site: str, type_id: str, expect: str) -> None:
    """Run one import and print its report; exit 1 on content problems (refused, or errors left), 2 on wrong use."""
    from importer import report
    from importer.errors import ImportFailure, WrongUse
    from importer.pipeline import import_file

    source = Path(path)
    try:
        if not site or not type_id:
            raise WrongUse("Thiếu " + " và ".join(n for n, v in (("--site (mã cổng)", site), ("--type (loại tin bài)",
                                                                                                type_id)) if not v)
                           + f": invoke import-{expect} {path} --site <mã cổng> --type <loại>.")
        if not source.is_file():
            raise WrongUse(f"Không tìm thấy tệp «{path}».")
        project = _project()
        result = import_file(project.root, site, type_id, source.name, source.read_bytes(), expect=expect,
                             settings=project.settings)
    except ImportFailure as exc:
        raise Exit(str(exc), code=exc.exit_code) from None
    print(report.text(result, type_id, source.name, site))
    if not result.ok:
        raise Exit(code=1)


@task(positional=["file"], help={
    "file": "tệp Word (.docx) cần nhập",
    "site": "mã cổng (thư mục trong content/)",
    "type": "loại tin bài: " + ", ".join(t.id for t in content_types.TYPES),
})
def import_docx(c, file, site="", type=""):  # noqa: A002 - 'type' is the option editors type
    """Import a Word file as a new item: headings, lists, tables (merged cells kept), pictures, legacy fonts.

    Fills the front matter the document states (a văn bản's number, date, issuing body, kind, summary),
    writes content/<site>/<type>/<date>-<slug>.md (never overwriting), then checks it. Exit 0: written and
    clean; 1: written with problems left to fix, or refused (nothing written); 2: wrong use. docs/import.md.
    """
    _import(file, site, type, "docx")


@task(positional=["file"], help={
    "file": "tệp PDF có chữ (không phải bản quét) cần nhập",
    "site": "mã cổng (thư mục trong content/)",
    "type": "loại tin bài; tệp PDF chỉ nhập thành văn bản (van-ban)",
})
def import_pdf(c, file, site, type="van-ban"):  # noqa: A002 - 'type' is the option editors type
    """Import a text PDF as a new văn bản: its text as the body, the letterhead's fields, the PDF attached.

    A scanned PDF (no text layer) is refused with exit 1. Same exit codes as import-docx.
    """
    _import(file, site, type, "pdf")


@task(iterable=["origin"], help={
    "port": "cổng mạng trên 127.0.0.1 (mặc định 8082)",
    "origin": "địa chỉ trang quản trị được phép gửi tệp (lặp lại được), ví dụ http://127.0.0.1:8000",
})
def import_server(c, port=8082, origin=None):
    """Serve the "Nhập từ Word" page and endpoint on 127.0.0.1 only (invoke cms starts it too); Ctrl+C stops it."""
    from importer import server

    project = _project()
    endpoint = server.make_server(project.root, "127.0.0.1", int(port), origin or (), project.settings)
    print(f"Trang nhập văn bản Word/PDF: {endpoint.url} (chỉ trên máy này; Ctrl+C để dừng)")
    try:
        endpoint.serve_forever()
    except KeyboardInterrupt:
        endpoint.server_close()


@task(iterable=["site"], help={
    "as_of": "ngày đánh giá YYYY-MM-DD (mặc định: hôm nay); quy định có hiệu lực vào ngày này được áp dụng",
    "site": "mã cổng cần đánh giá (lặp lại để chọn nhiều cổng); bỏ trống: cả tỉnh",
    "strict": "thoát với mã 1 nếu có phát hiện quá hạn hoặc thiếu từ mức độ --severity trở lên",
    "severity": "mức độ thấp nhất làm hỏng --strict: cao, trung-binh hoặc thap (mặc định: cao)",
    "output": "thư mục ghi báo cáo (mặc định: output/tuan-thu/<ngày đánh giá>/)",
    "no_git": "không dùng lịch sử git làm bằng chứng thời điểm đăng",
})
def compliance(c, as_of="", site=None, strict=False, severity="cao", output="", no_git=False):
    """Check every site against the rules in force on a date; write JSON, CSV, XLSX and HTML reports."""
    from aggregate.store import FOLDER, Store, read_json
    from compliance import reports
    from compliance import settings as compliance_settings
    from compliance.engine import evaluate
    from compliance.model import QUA_HAN, SEVERITIES, THIEU

    day = _as_of(as_of, with_time=False) or dt.date.today()
    if severity not in SEVERITIES:
        raise Exit(f"--severity phải là một trong: {', '.join(SEVERITIES)}; đang là «{severity}».", code=2)
    project = _project()
    _sites(project, site)
    typed = compliance_settings.read(project.settings)[0]
    evaluation = evaluate(project, day, site or None, typed, use_git=not no_git)
    if evaluation.problems:
        print(console.format_problems(evaluation.problems) + "\n")
        raise Exit("Bộ quy tắc có lỗi; sửa các lỗi trên rồi chạy lại.", code=1)
    errors = [p for p in evaluation.content_problems if p.severity == ERROR]
    if errors:
        print(f"Lưu ý: {len(errors)} lỗi nội dung (xem invoke check); các tệp lỗi không được đánh giá.\n")
    folder = Path(output) if output else project.output / reports.REPORT_FOLDER / day.isoformat()
    aggregated = read_json(Store(project.folder(FOLDER)).result_path, {}) or {}
    sources = aggregated.get("nguon", [])
    paths = reports.write_all(evaluation, folder, sources, project.root / project.settings["THEME"] / "templates")
    if not no_git:  # who wrote, approved and published each item (compliance/approvals.py)
        paths["duyet"] = _write_editorial_trail(project, folder, site or None)
    print(f"Báo cáo tuân thủ ngày {day:%d/%m/%Y}; bộ quy tắc áp dụng: "
          + ", ".join(r.ma for r in evaluation.used_rule_sets()) + "\n")
    print(reports.terminal(evaluation, limit=40))
    faulty = [h for h in sources if h["trang_thai"] != "tot"]
    if sources:
        print(f"\nNguồn tổng hợp: {len(sources) - len(faulty)}/{len(sources)} hoạt động tốt"
              + "".join(f"\n    {h['ma']}: {h['trang_thai_nhan']}; {'; '.join(h['loi'])}" for h in faulty))
    print("\nĐã ghi: " + ", ".join(str(p.relative_to(ROOT) if p.is_relative_to(ROOT) else p) for p in paths.values()))
    if strict:
        floor = SEVERITIES.index(severity)
        failing = [f for f in evaluation.findings
                   if f.trang_thai in (QUA_HAN, THIEU) and SEVERITIES.index(f.rule.muc_do) >= floor]
        if failing:
            raise Exit(f"--strict: {len(failing)} phát hiện quá hạn hoặc thiếu ở mức độ từ «{severity}» trở lên.",
                       code=1)


def _write_editorial_trail(project: Project, folder: Path, site_ids) -> Path:
    """``nhat-ky-duyet-dang.csv``: per content file, created / approved / published, from git."""
    from compliance import approvals

    trails = approvals.read(project.root)
    if site_ids:
        trails = {p: t for p, t in trails.items() if any(p.startswith(f"content/{s}/") for s in site_ids)}
    path = folder / "nhat-ky-duyet-dang.csv"
    rows = approvals.rows(trails, approvals.item_dates(project.root, trails))
    path.write_text(approvals.as_csv(rows), encoding="utf-8", newline="")
    return path


@task(help={
    "as_of": "ngày đánh giá tuân thủ cho bảng theo dõi YYYY-MM-DD (mặc định: hôm nay)",
    "production": "xây dựng lại cổng tỉnh bằng publishconf.py",
})
def aggregate(c, as_of="", production=False):
    """Merge every unit's news, procedures, documents and compliance into the provincial portal (run after build)."""
    from portal.lock import build_lock

    day = _as_of(as_of, with_time=False) or dt.date.today()
    project = _project(production)
    # Held from the fetch to the provincial build it feeds: no other build runs in between (portal.lock).
    with build_lock(project.root):
        province, built = _aggregate(project, day)
        code = _report(built)
    print(f"Xem: {project.output / province / 'tong-hop' / 'index.html'}")
    if code:
        raise Exit(code=code)


def _aggregate(project: Project, day: dt.date):
    """The provincial aggregation and the provincial site's build (hold the build lock): (its id, the build)."""
    from aggregate.pipeline import terminal
    from aggregate.province_run import aggregate_and_build

    try:
        result, built = aggregate_and_build(project, day, announce=lambda r: print(terminal(r)))
    except (LookupError, PortalError) as exc:
        raise Exit(str(exc), code=2) from None
    return result.province, built


def _build_and_aggregate(project: Project, site, jobs: int, search: bool, force: bool, now) -> int:
    """``invoke build --aggregate`` (aggregate/province_run.py orders the work). Exit code: the worse of the two
    builds (1 before 3)."""
    from aggregate.pipeline import terminal
    from aggregate.province_run import build_and_aggregate

    chosen = [d.name for d in _sites(project, site)]
    try:
        province, units, aggregated = build_and_aggregate(
            project, chosen, jobs, search, force, now, announce=lambda r: print(terminal(r)), published=_published)
    except (LookupError, PortalError) as exc:
        raise Exit(str(exc), code=2) from None
    codes = [_report(units), _report(aggregated)]
    print(f"Xem: {project.output / province / 'tong-hop' / 'index.html'}")
    return 1 if 1 in codes else max(codes)


LOCKS = (("requirements-dev.txt", "requirements-dev.lock", ()),
         ("requirements.txt", "requirements.lock", ("--constraint", "requirements-dev.lock")))


@task(help={"upgrade": "cho phép nâng phiên bản các gói phụ thuộc gián tiếp (mặc định: giữ phiên bản đã khóa)"})
def lock(c, upgrade=False):
    """Resolve requirements*.txt into requirements*.lock: every package, its exact version and every hash.

    bootstrap.sh installs only from the lock files (pip --require-hashes); tests/test_pins.py fails when an
    installed package is missing from them. Run after editing requirements*.txt; commit both lock files.
    """
    uv = Path(sys.executable).with_name("uv")
    if not uv.is_file():
        raise Exit("Không tìm thấy uv trong môi trường ảo: chạy ./bootstrap.sh test trước.", code=2)
    for source, target, extra in LOCKS:  # the runtime lock is the dev lock's subset: same versions
        c.run(" ".join([str(uv), "pip", "compile", source, "--quiet", "--generate-hashes", "--universal",
                        "--python-version", PYTHON_FLOOR, "--custom-compile-command", "'invoke lock'",
                        *extra, *(["--upgrade"] if upgrade else []), "-o", target]), pty=False)
    print("Đã cập nhật requirements-dev.lock và requirements.lock; hãy commit cả hai tệp.")


@task
def clean(c):
    """Remove the output folder."""
    if OUTPUT.exists():
        shutil.rmtree(OUTPUT)
    print(f"Đã xóa {OUTPUT.relative_to(ROOT)}/")


@task(help={"args": "tham số thêm cho pytest"})
def test(c, args=""):
    """Run the whole test suite."""
    c.run(f"{sys.executable} -m pytest {args}", pty=False, env={"PYTHONHASHSEED": "0", **os.environ})


@task(iterable=["sizes"], help={
    "sites": "số cổng của tỉnh tổng hợp (mặc định 20)",
    "items": "số tin bài mỗi cổng (mặc định 1000)",
    "quick": "chạy nhanh với 4 cổng × 250 tin bài",
    "jobs": "số tiến trình song song (mặc định: số lõi CPU)",
    "output": "tệp JSON ghi kết quả (mặc định .cache/bench/<cổng>x<tin>.json; hình SVG ghi bên cạnh)",
    "repeat": "số lượt đo (mặc định 2); mỗi số liệu là trung vị của các lượt (issue 15: ít nhất hai)",
    "sizes": "các quy mô đo thêm (lạnh, không đổi, một sửa), dạng 5x1000; lặp lại hoặc cách nhau bằng dấu phẩy."
             " Mặc định với 20x1000: 5x1000,20x1000,40x1000; «khong» để bỏ qua",
    "no_ci": "bỏ qua kịch bản CI (chạy lại pipeline GitHub Actions trên bản sao mới)",
    "ci_size": "quy mô tỉnh riêng cho kịch bản CI, dạng 5x1000 (mặc định với 20x1000: 5x1000; ở quy mô khác:"
               " chính tỉnh đang đo); «chung» để chạy trên chính tỉnh đang đo",
    "no_downloads": "bỏ qua phần đo dung lượng người dân tải về (Chromium)",
})
def bench(c, sites=20, items=1000, quick=False, jobs=0, output="", repeat=2, sizes=None, no_ci=False,
          no_downloads=False, ci_size=""):
    """Benchmark a synthetic province against plain Pelican (with Pagefind) and Hugo; print every figure and
    ratio of issue 15, write the JSON and the pictures (docs/performance.md)."""
    import os as _os

    from bench import printout, suite
    from bench import sizes as growth

    if quick:
        sites, items = 4, 250
    sites, items = int(sites), int(items)
    if sizes and [s.strip().lower() for s in sizes] in (["khong"], ["không"], ["none"]):
        chosen = []
    elif sizes:
        try:
            chosen = growth.parse(sizes)
        except ValueError as exc:
            raise Exit(f"--sizes: «{exc}» không phải quy mô dạng <số cổng>x<số tin>, ví dụ 5x1000 (ít nhất 2 cổng,"
                       " 12 tin).", code=2) from None
    else:
        chosen = list(growth.DEFAULT) if (sites, items) == (20, 1000) else []
    if ci_size.strip().lower() == "chung":
        ci_at = None
    elif ci_size:
        try:
            [ci_at] = growth.parse([ci_size])
        except ValueError as exc:
            raise Exit(f"--ci-size: «{exc}» không phải quy mô dạng <số cổng>x<số tin>, ví dụ 5x1000.", code=2) from None
    else:
        ci_at = growth.CI_DEFAULT if (sites, items) == (20, 1000) else None
    jobs = int(jobs) or _os.cpu_count() or 1
    folder = _project().folder("bench")
    data = suite.run_suite(ROOT, folder / f"{sites}x{items}", sites, items, jobs, repeat=int(repeat),
                           other_sizes=chosen, with_ci=not no_ci, with_downloads=not no_downloads, ci_size=ci_at)
    path = Path(output) if output else folder / f"{sites}x{items}.json"
    written = printout.save(data, path)
    print(printout.table(data))
    print("\nĐã ghi " + ", ".join(str(p) for p in written))


@task(help={
    "sites": "số cổng của tỉnh tổng hợp (mặc định 20)",
    "items": "số tin bài mỗi cổng (mặc định 1000)",
    "no_hugo": "không đo cùng thao tác với hugo server",
})
def bench_serve(c, sites=20, items=1000, no_hugo=False):
    """The warm editing loop alone: a title saved → both tabs (item, provincial overview) show it (bench/warm.py)."""
    import json
    import subprocess

    from bench import suite, synth, warm

    work = _project().folder("bench") / f"xem-thu-{sites}x{items}"
    ours = work / "tinh"
    synth.generate(ours, int(sites), int(items), ROOT / "content")
    suite.project(ours, ROOT)
    for step in (["build"], ["aggregate", "--as-of", suite.AS_OF], ["build", "--site", "tinh"]):
        subprocess.run([sys.executable, "-m", "invoke", *step], cwd=ours, check=True, stdout=subprocess.DEVNULL)
    item = sorted((ours / "content" / "don-vi-001" / "tin-tuc").glob("*.md"))[0]
    print(json.dumps(warm.measure(ours, "don-vi-001", item, hugo=not no_hugo), ensure_ascii=False, indent=2))


@task(iterable=["query"], help={
    "query": "từ khóa tìm (lặp lại được); mặc định: bốn truy vấn tiêu biểu",
    "site": "cổng có trang tìm kiếm cần đo (mặc định: cổng tỉnh)",
    "output": "thư mục đã xây dựng (mặc định output/)",
})
def bench_search(c, query=None, site="", output=""):
    """Bytes the search page fetches for one query, by kind, in headless Chromium (docs/performance.md)."""
    from aggregate.pipeline import province_site
    from bench import downloads

    folder = Path(output) if output else OUTPUT
    if not site:
        try:
            site = province_site(_project()).id
        except LookupError as exc:
            raise Exit(f"{exc} Hãy chỉ rõ --site.", code=2) from None
    if not (folder / site / "tim-kiem.html").is_file():
        raise Exit(f"Chưa có {folder / site / 'tim-kiem.html'}: hãy chạy invoke build (và invoke aggregate) trước.",
                   code=2)
    queries = query or downloads.QUERIES
    print(downloads.table(downloads.measure(folder, site, queries)))


@task(help={
    "since": "mốc git (commit, nhánh, thẻ) để so sánh với cây làm việc; bỏ trống: mọi cổng",
    "max_jobs": "số việc CI tối đa; vượt quá thì gộp nhiều cổng liền nhau vào một việc (mặc định 200)",
    "gitlab_pipeline": "ghi thêm pipeline con của GitLab CI (YAML) vào tệp này",
    "as_of": "thời điểm coi là hiện tại khi tìm tin hẹn giờ đã đến giờ đăng (mặc định: bây giờ, giờ Việt Nam)",
})
def matrix(c, since="", max_jobs=0, gitlab_pipeline="", as_of=""):
    """Print as JSON the sites affected by the changes since a git ref, for a CI matrix (docs/scaling.md)."""
    import json

    import yaml

    from portal import matrix as planning

    when = _as_of(as_of) or schedule.now()
    try:
        base, changed = planning.git_changes(ROOT, since) if since else ("", [])
        # Items whose scheduled moment passed since the base commit: no commit marks it.
        due = schedule.fell_due(CONTENT, planning.commit_time(ROOT, base), when) if since else {}
    except planning.UnknownRef:
        raise Exit(f"Không tìm thấy mốc git «{since}» (commit, nhánh hoặc thẻ) trong kho chứa {ROOT}; "
                   "với bản sao nông (shallow clone) hãy lấy đủ lịch sử: git fetch --unshallow.", code=2) from None
    result = planning.plan(changed, planning.read_sites(CONTENT), everything=not since, due=due)
    document = result.as_dict(since, base, int(max_jobs) or planning.DEFAULT_MAX_JOBS)
    if gitlab_pipeline:
        Path(gitlab_pipeline).write_text(yaml.safe_dump(planning.gitlab_pipeline(document), allow_unicode=True,
                                                        sort_keys=False), encoding="utf-8")
    print(json.dumps(document, ensure_ascii=False, indent=2))


def _quality_output(site) -> list[str] | None:
    """The sites to check (None: all of output/); stops with code 2 when there is nothing built."""
    if not OUTPUT.is_dir():
        raise Exit("Chưa có thư mục output/: hãy chạy invoke build (và invoke aggregate) trước.", code=2)
    missing = [s for s in site or [] if not (OUTPUT / s).is_dir()]
    if missing:
        raise Exit(f"Chưa xây dựng cổng: {', '.join(missing)} (chạy invoke build --site ...).", code=2)
    return list(site) if site else None


@task(iterable=["site"], help={
    "site": "mã cổng cần kiểm tra (lặp lại để chọn nhiều cổng); bỏ trống: mọi trang trong output/",
    "warnings": "liệt kê cả các cảnh báo của Nu Html Checker",
})
def validate_html(c, site=None, warnings=False):
    """Check every built page with the Nu Html Checker (vnu.jar); exit 1 on any HTML error."""
    from quality import html_validity

    site_ids = _quality_output(site)
    try:
        report = html_validity.validate(_project(), site_ids, errors_only=not warnings)
    except html_validity.CheckerUnavailable as exc:
        raise Exit(str(exc), code=2) from None
    problems = report.problems()
    if problems:
        print(console.format_problems(problems) + "\n")
    print(f"Kiểm tra HTML hợp lệ: {len(report.pages)} trang trong {report.seconds:.1f} giây; "
          f"{len(report.errors)} lỗi" + (f", {len(report.warnings)} cảnh báo" if warnings else "") + "."
          + (f" Bỏ qua {report.ignored} thông báo sai đã biết của vnu (xem docs/quality-gates.md)." if report.ignored
             else ""))
    if report.errors:
        raise Exit(code=1)


@task(iterable=["site"], help={"site": "mã cổng cần kiểm tra (lặp lại để chọn nhiều cổng); bỏ trống: cả tỉnh"})
def links(c, site=None):
    """Check every internal link, anchor and attachment of the built province; exit 1 on any broken link."""
    from quality.links import check_links

    report = check_links(_project(), _quality_output(site))
    problems = report.problems()
    if problems:
        print(console.format_problems(problems) + "\n")
    print(f"Kiểm tra liên kết: {report.pages} trang, {report.links} liên kết trong {report.seconds:.1f} giây; "
          f"{len(report.broken)} liên kết hỏng ({len(problems)} chỗ cần sửa).")
    if report.broken:
        raise Exit(code=1)


@task(iterable=["site"], help={
    "site": "mã cổng cần kiểm tra (lặp lại để chọn nhiều cổng); bỏ trống: mọi cổng đã xây dựng trong output/",
})
def a11y(c, site=None):
    """Check one page of every template with axe-core in Chromium (WCAG 2.1 AA) and save the run per site.

    Builds nothing: run invoke build and invoke aggregate first. Saves <QUALITY_STATE_DIR>/tiep-can/<site>.json
    (default .cache/kiem-tra/), which the next invoke build publishes as kha-nang-tiep-can.html. Exit 1 on any
    serious or critical violation, 2 when the gate cannot run (no output, axe-core or Chromium).
    """
    from quality import accessibility
    from quality.self_assessment import runs_folder

    project = _project()
    state = runs_folder(project)
    try:
        site_ids = accessibility.built_sites(project.root, project.output, site or None)
        summaries = accessibility.run(project.root, project.output, site_ids, dt.date.today(), state)
    except accessibility.GateUnavailable as exc:
        raise Exit(str(exc), code=2) from None
    print(accessibility.report(summaries))
    shown = state.relative_to(ROOT) if state.is_relative_to(ROOT) else state
    print(f"\nĐã lưu kết quả vào {shown}/{accessibility.FOLDER}/; chạy invoke build để công bố trang "
          "kha-nang-tiep-can.html của từng cổng.")
    failing = {s: len(accessibility.blocking(summary)) for s, summary in summaries.items()
               if accessibility.blocking(summary)}
    if failing:
        raise Exit("Khả năng tiếp cận: còn vi phạm mức nghiêm trọng hoặc rất nghiêm trọng ở "
                   + ", ".join(f"{s} ({n} quy tắc)" for s, n in failing.items()) + ".", code=1)
