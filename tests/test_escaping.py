"""The payload sweep: every free-text field holds a tagged XSS payload, and none of them gets out.

A province of two sites is generated from the JSON Schemas (tests/payloads.py): every field of every
content type (each enum value of the type's fields in turn, so every page layout is drawn), every
field of ``site.yaml``, items with and without ``tom_tat`` (generated summaries), file names, and an
outside portal served by a real HTTP server on 127.0.0.1 (an RSS feed and both JSON exports) whose
every text is a payload too. The province is checked (no content error), built with its search index,
aggregated and given its compliance report; then

- every output file is parsed: in HTML no element or attribute comes from a payload (no ``on*``
  attribute, no meta refresh, no script but the theme's, no ``<img src=x>``) and the payload text is
  there, escaped; feeds and the sitemap are well-formed XML whose HTML parts pass the same HTML check;
  JSON parses, no key comes from a payload and every address field is http(s) or relative;
- every page is opened in headless Chromium with its Content Security Policy bypassed (so an injected
  inline handler would run) and with the site serving ``/x-<tag>.js`` (so an injected ``<script src>``
  would run): ``window.__xss`` stays empty, nothing is requested from a payload's address, no page
  navigates away, and no element of the live DOM carries an event-handler attribute.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import http.server
import json
import re
import threading
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from browser import chromium
from conftest import ROOT, build, copy_case
from conftest import project as project_at
from defusedxml.ElementTree import fromstring
from payloads import TAG, Sweep, compact, full
from playwright.sync_api import Error as PlaywrightError

from aggregate.fetch import Limits
from aggregate.parse import harmless_address, url_keys
from aggregate.pipeline import aggregate
from portal import check, content_types

LIMITS = Limits(connect_timeout=2, request_deadline=5, retries=1, backoff=0.05, max_bytes=2_000_000)
AS_OF = dt.date(2026, 11, 23)
PROVINCE, UNIT, REMOTE = "tinh-thu", "so-thu", "ben-ngoai"
# The theme's scripts, and the web editor's three (quan-tri/index.html, plugins/editor/admin.py: bare names).
THEME_SCRIPTS = re.compile(r"(^|/)theme/js/(portal|search|tim-nhanh)\.js$|^(du-lieu-bien-tap|decap-cms|bien-tap)\.js$")
URL_KEYS = url_keys() | {"don_vi_url"}


# -- the province ----------------------------------------------------------------------------------
def _files(site: Path):
    """``files(tag, where)`` for the generator: a real file under tep/ or anh/ whose name is a payload."""
    def make(tag: str, where: str) -> str:
        name = f"{tag}-\"'><img src=x onerror=window.__xss.push('{tag}')>"
        if "anh" in where.split(": ")[-1].split("."):
            rel = f"anh/{name}.svg"
            (site / rel).write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                                    '<rect width="4" height="4"/></svg>', encoding="utf-8")
        else:
            rel = f"tep/{name}.pdf"
            (site / rel).write_bytes(b"%PDF-1.4\n%%EOF\n")
        return rel
    return make


def _body(sweep: Sweep, where: str) -> str:
    tag = sweep.tag(f"{where}: nội dung")
    return (f"Nội dung thử {tag} &lt;img src=x onerror=window.__xss.push('{tag}')&gt; và "
            f"`<script src=/x-{tag}.js></script>` &lt;/title&gt;&lt;script src=x-{tag}.js&gt;&lt;/script&gt;.\n\n"
            f"Đoạn thứ hai {tag}.\n")


def _variants(type_id: str) -> int:
    """As many items as the longest enum among the type's own fields, so each value is drawn once."""
    from portal import schema

    node = schema.subschema(type_id, ())
    sizes = [len(schema.subschema(type_id, (k,)).get("enum", [])) for k in schema.properties_of(node)
             if k != "trang_thai"]
    return max([2, *sizes])


def write_site(root: Path, sweep: Sweep, site_id: str, cap: str, extra: dict, variants: bool) -> None:
    site = root / "content" / site_id
    for folder in ("tep", "anh"):
        (site / folder).mkdir(parents=True, exist_ok=True)
    # hieu_luc holds dates only (an end date would retire the unit); don_vi_cap_tren.cong must name a site.
    config = sweep.document("site", f"{site_id}/site.yaml", fixed={"cap": cap, **extra},
                            files=_files(site), skip=("tong_hop", "hieu_luc", "don_vi_cap_tren"))
    config["don_vi_cap_tren"] = {"ten": full(sweep.tag(f"{site_id}/site.yaml: don_vi_cap_tren.ten")),
                                 "cong": PROVINCE}
    (site / "site.yaml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    for ctype in content_types.TYPES:
        folder = site / ctype.id
        folder.mkdir()
        count = _variants(ctype.id) if variants else 1
        for variant in range(count):
            where = f"{site_id}/{ctype.id}[{variant}]"
            fixed, skip = {"trang_thai": "cong-bo"}, () if variant % 2 == 0 else ("tom_tat",)
            if ctype.id == "tin-tuc":  # related news name another item of the site (its title is a payload)
                if count > 1:
                    fixed["tin_lien_quan"] = [f"muc-{(variant + 1) % count}"]
                else:
                    skip += ("tin_lien_quan",)
            fields = sweep.document(ctype.id, where, variant, fixed=fixed, files=_files(site), skip=skip)
            text = yaml.safe_dump(fields, allow_unicode=True, sort_keys=False, default_flow_style=False)
            (folder / f"muc-{variant}.md").write_text(f"---\n{text}---\n{_body(sweep, where)}", encoding="utf-8")


def remote_feed(sweep: Sweep, base: str) -> bytes:
    items = []
    for n in range(2):
        title, summary, text, guid = (sweep.tag(f"{REMOTE}/rss[{n}]: {k}") for k in ("title", "html", "text", "guid"))
        link = f"https://tin.example/{title}?a=\"><script src=/x-{title}.js></script>"
        description = escape(full(summary)) + escape(escape(full(text)))  # HTML payload, and text showing HTML
        items.append(f"<item><title>{escape(full(title))}</title><link>{escape(link)}</link>"
                     f"<guid isPermaLink=\"false\">{escape(full(guid))}</guid><description>{description}"
                     f"</description><pubDate>Mon, 16 Nov 2026 08:00:00 +0700</pubDate></item>")
    bad = sweep.tag(f"{REMOTE}/rss[2]: link javascript:")
    items.append(f"<item><title>{bad}</title><link>javascript:window.__xss.push('{bad}')</link>"
                 f"<pubDate>Mon, 16 Nov 2026 09:00:00 +0700</pubDate></item>")
    return ("<?xml version=\"1.0\" encoding=\"utf-8\"?><rss version=\"2.0\"><channel>"
            f"<title>{escape(full(sweep.tag('rss: channel')))}"
            f"</title><link>{base}/</link><description>x</description>{''.join(items)}</channel></rss>").encode()


def remote_export(sweep: Sweep, kind: str) -> bytes:
    """An export of ``kind`` whose records are generated from the type's schema, enum values and their
    labels replaced by payloads (a remote portal validates nothing for us), address fields hostile."""
    records = []
    for n in range(2):
        where = f"{REMOTE}/{kind}.json[{n}]"
        record = sweep.document(kind, where, n, fixed={"trang_thai": "cong-bo"},
                                files=lambda tag, w: f"javascript:window.__xss.push('{tag}')")
        record = json.loads(json.dumps(record, default=str))
        for key, value in list(record.items()):
            if isinstance(value, str) and not TAG.search(value) and key != "ngay_ban_hanh":
                record[key] = full(sweep.tag(f"{where}: {key}"))  # enums, codes
            record[f"{key}_nhan"] = full(sweep.tag(f"{where}: {key}_nhan"))
        record["cap_thuc_hien"] = [full(sweep.tag(f"{where}: cap_thuc_hien[1]")), compact(sweep.tag(f"{where}: cap"))]
        record["muc_do"] = full(sweep.tag(f"{where}: muc_do"))
        record["lien_ket_dvc"] = f"javascript:window.__xss.push('{sweep.tag(where + ': lien_ket_dvc')}')"
        tag = sweep.tag(f"{where}: url")
        record.update({"id": f"{REMOTE}:muc-{n}", "ngay": "2026-11-01T00:00:00", "ngay_ban_hanh": "2026-03-02",
                       "url": f"https://{REMOTE}.example/{tag}?\"><script src=/x-{tag}.js></script>"})
        records.append(record)
    data = {"phien_ban": "1.0", "loai": kind, "loai_nhan": full(sweep.tag(f"{REMOTE}/{kind}.json: loai_nhan")),
            "don_vi": {"ma_cong": REMOTE, "ten": full(sweep.tag(f"{REMOTE}/{kind}.json: don_vi.ten")),
                       "cap": "so-nganh", "dia_chi_web": f"https://{REMOTE}.example/"},
            "cap_nhat_moi_nhat": "2026-11-01T00:00:00", "so_luong": len(records), "muc": records}
    return json.dumps(data, ensure_ascii=False).encode("utf-8")


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Files of a folder, fixed bodies by path, and ``/x-<tag>.js``: a script that reports its tag."""

    bodies: dict[str, tuple[bytes, str]] = {}

    def log_message(self, *args):
        pass

    def do_GET(self):
        path = self.path.split("?")[0]
        match = re.fullmatch(r"/x-(Q\d{4}Z)\.js", path)
        if match:
            return self._send(f"window.__xss.push('{match.group(1)}');".encode(), "text/javascript")
        if path in self.bodies:
            return self._send(*self.bodies[path])
        return super().do_GET()

    def _send(self, body: bytes, kind: str):
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def serving(directory: Path, bodies: dict | None = None):
    handler = type("Handler", (_Handler,), {"bodies": {} if bodies is None else bodies})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def province(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    sweep = Sweep()
    bodies: dict = {}
    with serving(root, bodies) as remote:
        bodies.update({"/tin.xml": (remote_feed(sweep, remote), "application/rss+xml"),
                       "/thu-tuc.json": (remote_export(sweep, "thu-tuc"), "application/json"),
                       "/van-ban.json": (remote_export(sweep, "van-ban"), "application/json")})
        source_tag = sweep.tag(f"{PROVINCE}/site.yaml: tong_hop.nguon[2].ten")
        link_tag = sweep.tag(f"{PROVINCE}/site.yaml: tong_hop.nguon[2].dia_chi_web")
        registry = {"so_tin_moi_nguon": 20, "nguon": [
            {"cong": UNIT},
            {"ma": REMOTE, "ten": full(source_tag),
             "dia_chi_web": f"{remote}/?\"><script src=/x-{link_tag}.js></script>",
             "tin_tuc": f"{remote}/tin.xml", "thu_tuc": f"{remote}/thu-tuc.json", "van_ban": f"{remote}/van-ban.json",
             "cho_phep_dia_chi": [f"127.0.0.1:{urlsplit(remote).port}"]}]}
        write_site(root, sweep, PROVINCE, "tinh", {"tong_hop": registry}, variants=True)
        write_site(root, sweep, UNIT, "so-nganh", {}, variants=False)
        checked = {s: check.check_site(root / "content" / s, root) for s in (PROVINCE, UNIT)}
        errors = [p.format() for c in checked.values() for p in c.problems if p.severity == "loi"]
        assert not errors, "\n".join(errors[:20])
        assert build(root, search=True).ok
        state = root / ".cache" / "tong-hop"
        aggregate(project_at(root, root / "output", overrides={"AGGREGATE_STATE_DIR": str(state)}),
                  AS_OF, dt.datetime(2026, 11, 23, 9, 0), LIMITS)
        assert build(root, [PROVINCE], search=True).ok
    from compliance import html_report, reports
    from compliance.engine import evaluate

    evaluation = evaluate(project_at(root), AS_OF, None, None, use_git=False)
    folder = root / "output" / "tuan-thu" / AS_OF.isoformat()
    reports.write_all(evaluation, folder, json.loads((state / "ket-qua.json").read_text(encoding="utf-8"))["nguon"])
    (folder / "bao-cao-tuan-thu.html").write_text(
        html_report.render(evaluation, ROOT / "themes" / "cong-thong-tin" / "templates"), encoding="utf-8")
    return {"root": root, "out": root / "output", "sweep": sweep}


# -- (a) every output file, parsed -----------------------------------------------------------------
class _Html(HTMLParser):
    """Start tags, attributes and text of a page; what a payload would have added is a finding."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.seen: set[str] = set()

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name.startswith("on") or TAG.search(name):
                self.findings.append(f"<{tag} {name}=…> (thuộc tính do payload tạo ra)")
            self.seen.update(TAG.findall(value or ""))
        if TAG.search(tag):
            self.findings.append(f"<{tag}>")
        if tag == "meta" and (values.get("http-equiv") or "").lower() == "refresh":
            self.findings.append(f"<meta http-equiv=refresh content={values.get('content')!r}>")
        if tag == "script" and not THEME_SCRIPTS.search(values.get("src") or ""):
            self.findings.append(f"<script src={values.get('src')!r}>")
        if tag in ("img", "image") and values.get("src") == "x":
            self.findings.append("<img src=x>")
        if tag in ("svg", "iframe", "object", "embed") and any(TAG.search(v or "") for _, v in attrs):
            self.findings.append(f"<{tag}> mang payload")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.seen.update(TAG.findall(data))


def html_findings(text: str) -> tuple[list[str], set[str]]:
    parser = _Html()
    parser.feed(text)
    parser.close()
    return parser.findings, parser.seen


def _xml_findings(data: bytes) -> tuple[list[str], set[str]]:
    tree = fromstring(data)  # well-formed, no entity or DTD tricks
    findings, seen = [], set()
    for element in tree.iter():
        if TAG.search(element.tag):
            findings.append(f"phần tử XML <{element.tag}>")
        for name, value in element.attrib.items():
            if TAG.search(name):
                findings.append(f"thuộc tính XML {name}")
            seen.update(TAG.findall(value))
        local = element.tag.rsplit("}", 1)[-1]
        text = element.text or ""
        seen.update(TAG.findall(text))
        if local in ("summary", "content", "description"):  # HTML a feed reader renders
            found, _ = html_findings(text)
            findings += [f"<{local}> của nguồn tin: {f}" for f in found]
        if local in ("loc", "link") and text.strip() and not text.strip().startswith(("http://", "https://")):
            findings.append(f"<{local}> không phải địa chỉ http(s): {text[:80]!r}")
        if local == "link" and element.get("href") and not harmless_address(element.get("href")):
            findings.append(f"<link href={element.get('href')[:80]!r}>")
    return findings, seen


def _json_findings(data) -> tuple[list[str], set[str]]:
    findings, seen = [], set()

    def walk(value, key=""):
        if isinstance(value, dict):
            for k, v in value.items():
                if TAG.search(k):
                    findings.append(f"khóa JSON {k[:60]!r}")
                walk(v, k)
        elif isinstance(value, list):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            seen.update(TAG.findall(value))
            if key in URL_KEYS and not harmless_address(value):
                findings.append(f"{key}: {value[:80]!r}")

    walk(data)
    return findings, seen


@pytest.fixture(scope="module")
def scanned(province):
    findings: dict[str, list[str]] = {}
    seen: set[str] = set()
    kinds: dict[str, int] = {}
    for path in sorted(province["out"].rglob("*")):
        rel = path.relative_to(province["out"]).as_posix()
        if not path.is_file() or "/pagefind/" in f"/{rel}" or path.suffix not in (".html", ".xml", ".json", ".txt"):
            continue
        data = path.read_bytes()
        if path.suffix == ".html":
            found, tags = html_findings(data.decode("utf-8"))
        elif path.suffix == ".xml":
            found, tags = _xml_findings(data)
        elif path.suffix == ".json":
            found, tags = _json_findings(json.loads(data))
        else:
            found, tags = [], set(TAG.findall(data.decode("utf-8")))
        kinds[path.suffix] = kinds.get(path.suffix, 0) + 1
        seen |= tags
        if found:
            findings[rel] = found
    return {"findings": findings, "seen": seen, "kinds": kinds}


def test_no_payload_becomes_markup_in_any_output_file(scanned):
    assert scanned["kinds"].get(".html", 0) > 150 and scanned["kinds"].get(".xml", 0) > 20, scanned["kinds"]
    assert scanned["kinds"].get(".json", 0) >= 6, scanned["kinds"]
    report = [f"{rel}: {f}" for rel, found in sorted(scanned["findings"].items()) for f in found[:3]]
    assert not report, f"{len(report)} chỗ:\n" + "\n".join(report[:40])


def test_payloads_are_in_the_output_as_text(province, scanned):
    """Not vacuous: the fields the issue names reach the pages, the feeds and the exports, as text."""
    fields = {province["sweep"].fields[t] for t in scanned["seen"]}
    required = [f"{site}/site.yaml: {key}" for site in (PROVINCE, UNIT)
                for key in ("ten_cong", "ten_ngan", "ten_day_du", "dia_chi", "ban_bien_tap.truong_ban.ho_ten",
                            "lien_ket[1].ten", "dau_moi_cung_cap_thong_tin.ho_ten")]
    required += [f"{PROVINCE}/{t.id}[0]: {key}" for t in content_types.TYPES for key in ("tieu_de", "tom_tat")
                 if f"{PROVINCE}/{t.id}[0]: {key}" in province["sweep"].fields.values()]
    required += [f"{PROVINCE}/tin-tuc[0]: tu_khoa[1]", f"{PROVINCE}/tin-tuc[1]: nội dung",
                 f"{REMOTE}/rss[0]: title", f"{REMOTE}/rss[0]: text", f"{REMOTE}/thu-tuc.json[0]: muc_do",
                 f"{REMOTE}/thu-tuc.json[0]: cap_thuc_hien[1]", f"{REMOTE}/thu-tuc.json[0]: co_quan_thuc_hien",
                 f"{REMOTE}/van-ban.json[0]: loai_van_ban", f"{PROVINCE}/site.yaml: tong_hop.nguon[2].ten"]
    missing = [f for f in required if f not in fields]
    assert not missing, missing
    assert len(fields) > 0.6 * len(set(province["sweep"].fields.values())), (len(fields), len(province["sweep"].fields))


def test_hostile_addresses_from_another_portal_are_dropped(province):
    out = province["out"] / PROVINCE / "tong-hop"
    records = [r for kind in ("thu-tuc", "van-ban")
               for r in json.loads((out / "du-lieu" / f"{kind}.json").read_text(encoding="utf-8"))["muc"]
               if r["don_vi_goc"]["ma"] == REMOTE]
    assert len(records) == 4
    assert all("lien_ket_dvc" not in r and all("javascript" not in json.dumps(r.get(k, "")) for k in URL_KEYS)
               for r in records)
    news = json.loads((province["root"] / ".cache" / "tong-hop" / "ket-qua.json").read_text(encoding="utf-8"))
    remote = [i for i in news["tin_tuc"] if i["nguon"] == REMOTE]
    assert len(remote) == 2 and all(i["url"].startswith("https://tin.example/") for i in remote)
    assert all("<" not in i["tieu_de"] or "&lt;" not in i["tieu_de"] for i in remote)


def test_the_scanners_see_a_leak():
    """The checks above can fail: raw payloads in a page, a feed and an export are all found."""
    tag = "Q9999Z"
    found, seen = html_findings(f"<title>{full(tag)}</title><p title='{compact(tag)}'>x</p>")
    assert len(found) >= 4 and tag in seen, found
    assert html_findings(f"<p title=\"{escape(full(tag))}\">{escape(full(tag))}</p>") == ([], {tag})
    feed = (f"<rss><channel><item><link>javascript:x</link><description>{escape(full(tag))}</description>"
            "</item></channel></rss>")
    assert len(_xml_findings(feed.encode())[0]) >= 3
    assert _json_findings({"muc": [{"url": "https://a.example/", "mau_don": " javascript:x", tag: 1}]})[0] == [
        "mau_don: ' javascript:x'", f"khóa JSON {tag!r}"]


# -- the contract: autoescape everywhere, one safe place ----------------------------------------------
TEMPLATES = sorted((ROOT / "themes" / "cong-thong-tin" / "templates").glob("*.html")) + sorted(
    (ROOT / "plugins").glob("*/templates/*.html"))


def _code(template: Path) -> str:
    """The template without its comments (line numbers kept)."""
    return re.sub(r"\{#.*?#\}", lambda m: "\n" * m.group().count("\n"), template.read_text(encoding="utf-8"),
                  flags=re.DOTALL)


def test_the_body_is_the_only_html_marked_safe():
    safe = [(t.name, n) for t in TEMPLATES for n, line in enumerate(_code(t).splitlines(), 1)
            if re.search(r"\|\s*safe\b", line)]
    assert safe == [("_macros.html", 10)], safe
    assert "{% macro noi_dung(item) -%}\n{{ item.content|safe }}" in (TEMPLATES[0].parent / "_macros.html").read_text()
    for template in TEMPLATES:
        text = _code(template)
        assert "autoescape" not in text, template  # no {% autoescape false %} block
        # striptags only tests whether a body has text; it never makes what is written.
        for match in re.finditer(r"[^{}]*\|\s*striptags[^{}]*", text):
            assert re.fullmatch(r"%-?\s*if \w+\.content and \w+\.content\|striptags\|trim\s*-?%", match.group()), \
                (template.name, match.group())
    for module in sorted((ROOT / "plugins").rglob("*.py")):
        text = module.read_text(encoding="utf-8")
        for start in [m.end() for m in re.finditer(r"\bEnvironment\(", text)]:
            depth, end = 1, start
            while depth:
                depth += {"(": 1, ")": -1}.get(text[end], 0)
                end += 1
            assert "autoescape=True" in text[start:end], (module, text[start:end])
        # templating.mot_dong only joins what is already escaped; shared_parts marks the output of an
        # autoescaped template (a part of base.html), as {% include %} would write it.
        assert "Markup(" not in text.replace("Markup(value)", "").replace('Markup(" ")', "") \
            or module.name in ("feeds.py", "shared_parts.py"), module


def test_autoescape_is_on_whatever_the_settings_file_says(tmp_path):
    from portal import render, templating

    loose = tmp_path / "loose.py"
    conf = (ROOT / "pelicanconf.py").read_text(encoding="utf-8")
    loose.write_text(conf.replace('"autoescape": True', '"autoescape": False'),
                     encoding="utf-8")
    assert '"autoescape": False' in loose.read_text(encoding="utf-8")
    root = copy_case("basic", tmp_path / "du-an")
    checked = check.check_site(root / "content" / "so-mau", root)
    settings = render.settings_for(project_at(root, settings=loose), checked, tmp_path / "out")
    assert settings["JINJA_ENVIRONMENT"]["autoescape"] is True
    assert templating.environment_options({"JINJA_ENVIRONMENT": {"autoescape": False}})["autoescape"] is True


# -- (b) in the browser ----------------------------------------------------------------------------
_LIVE_DOM = """() => {
  const found = [];
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) if (a.name.startsWith('on')) found.push(el.tagName + ' ' + a.name);
  }
  for (const m of document.querySelectorAll('meta[http-equiv]'))
    if (m.httpEquiv.toLowerCase() === 'refresh') found.push('meta refresh');
  return {xss: window.__xss || null, found, url: location.href};
}"""


def test_no_payload_runs_in_chromium(province):
    out = province["out"]
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html") if "/pagefind/" not in p.as_posix())
    problems, requested, navigated = [], [], []
    with serving(out) as base, chromium() as browser:
        context = browser.new_context(bypass_csp=True, java_script_enabled=True)
        context.add_init_script("window.__xss = [];")
        page = context.new_page()
        page.on("request", lambda r: requested.append(r.url) if ("/x-Q" in r.url or "evil.example" in r.url
                                                                or r.url.endswith("/x")) else None)
        page.on("framenavigated", lambda f: navigated.append(f.url) if f == page.main_frame
                and not f.url.startswith(base) else None)
        for rel in pages:
            try:
                page.goto(f"{base}/{rel}", wait_until="load")
                state = page.evaluate(_LIVE_DOM)
            except PlaywrightError as exc:  # the page navigated away while it was read (a meta refresh)
                problems.append(f"{rel}: {exc.message.splitlines()[0]}")
                continue
            if state["xss"] != [] or state["found"] or not state["url"].startswith(f"{base}/{rel}"):
                problems.append(f"{rel}: {state}")
        assert len(pages) > 150
        assert not problems, f"{len(problems)} trang:\n" + "\n".join(problems[:20])
        # Search shows titles and excerpts of payload pages (search.js, on Pagefind's API).
        tag = next(t for t, f in province["sweep"].fields.items() if f == f"{PROVINCE}/tin-tuc[0]: tieu_de")
        page.goto(f"{base}/{PROVINCE}/tim-kiem.html?q={tag}", wait_until="load")
        page.wait_for_selector(".search-result__link")
        results = page.locator(".search-result__link").all_inner_texts()
        state = page.evaluate(_LIVE_DOM)
        if state["xss"] != [] or state["found"]:
            problems.append(f"tim-kiem: {state}")
        context.close()
    assert any(tag in r for r in results), results
    assert not problems, "\n".join(problems[:20])
    assert not requested and not navigated, (requested[:10], navigated[:10])
