"""Component portal sites: discovery under ``content/`` and their ``site.yaml``."""

from __future__ import annotations

import copy
import re
import time
from dataclasses import dataclass
from pathlib import Path

from . import characters, letters, schema
from .dates import parse_date
from .document import read_text
from .frontmatter import FrontMatterError, parse_yaml
from .problems import WARNING, Problem, relpath

SITE_FILE = "site.yaml"
SITE_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@dataclass
class Site:
    """One component portal: its id, folder and validated ``site.yaml`` (``config``)."""

    id: str
    path: Path
    config: dict

    @property
    def name(self) -> str:
        return self.config.get("ten_day_du", self.id)


def discover(content_dir: Path, root: Path | None = None) -> tuple[list[Path], list[Problem]]:
    """Folders of ``content_dir`` that hold a ``site.yaml``, sorted by id."""
    problems, found = [], []
    if not content_dir.is_dir():
        return [], [Problem(relpath(content_dir, root), 0, "Không có thư mục nội dung.", code="thieu-thu-muc")]
    for child in sorted(content_dir.iterdir()):
        if not child.is_dir() or child.name.startswith("."):
            continue
        if not (child / SITE_FILE).is_file():
            problems.append(Problem(relpath(child, root), 0, "Thư mục không có tệp site.yaml nên không được xây dựng.",
                                    expected="content/<mã-cổng>/site.yaml", severity=WARNING, code="thieu-site-yaml"))
            continue
        found.append(child)
    return found, problems


# site.yaml read and validated, by folder: (the file's identity, site, problems). One command reads each
# site.yaml up to eight times (listing, the province index, the aggregation's registry and units...), about
# a millisecond each; a file changed in the last RACY_NS is read every time (its identity may not show a
# second change within the file system's clock tick).
_LOADED: dict[tuple[str, str], tuple[tuple, Site | None, list[Problem]]] = {}
RACY_NS = 2_000_000_000


def load(site_dir: Path, root: Path | None = None) -> tuple[Site | None, list[Problem]]:
    """Read and validate ``site_dir/site.yaml`` (a copy of what this process last read of it, while the file
    is unchanged)."""
    try:
        st = (site_dir / SITE_FILE).stat()
        identity = (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)
        settled = max(st.st_mtime_ns, st.st_ctime_ns) < time.time_ns() - RACY_NS
    except OSError:
        identity, settled = (), False
    key = (str(site_dir), str(root))
    kept = _LOADED.get(key)
    if kept is not None and identity and kept[0] == identity:
        return copy.deepcopy(kept[1]), list(kept[2])
    site, problems = _load(site_dir, root)
    if settled:
        _LOADED[key] = (identity, copy.deepcopy(site), list(problems))
    else:
        _LOADED.pop(key, None)
    return site, problems


def _load(site_dir: Path, root: Path | None) -> tuple[Site | None, list[Problem]]:
    path = site_dir / SITE_FILE
    rel = relpath(path, root)
    problems = []
    if not SITE_ID.match(site_dir.name):
        problems.append(Problem(relpath(site_dir, root), 0, "Tên thư mục cổng (mã cổng) không hợp lệ.",
                                expected="chữ thường không dấu, số và dấu gạch ngang, ví dụ so-tu-phap",
                                found=f"«{site_dir.name}»", code="ma-cong"))
    text, read_problems = read_text(path, rel)
    if text is None:
        return None, problems + read_problems
    problems += read_problems
    text, controls = characters.scan_controls(text, rel)
    written = letters.review(text, yaml_lines=text.count("\n") + 1)  # NFC, look-alikes: as published
    text, controls = written.text, controls + letters.problems(written, rel)
    try:
        parsed = parse_yaml(text)
    except FrontMatterError as exc:
        return None, problems + controls + [Problem(rel, exc.line, exc.message, expected=exc.expected,
                                                    found=exc.found, code="yaml")]
    problems += characters.with_fields(controls, lambda line: (schema.dotted(parsed.path_at(line)),
                                                              schema.label("site", parsed.path_at(line))))
    problems += characters.bidi_in_fields(parsed.data, rel, parsed.line_of, lambda p: schema.label("site", p),
                                          lambda p: True, schema.dotted)
    problems += [Problem(rel, line, "Trường bị khai báo hai lần.", field=schema.dotted(p), code="lap-truong")
                 for p, line in parsed.duplicates]
    problems += schema.validate("site", parsed.data, rel, parsed.line_of)
    config = dict(parsed.data)
    if config.get("cap") == "huyen":
        validity = config.get("hieu_luc")  # the schema reports a hieu_luc that is not a group of fields
        until = parse_date(str(validity.get("den_ngay", ""))) if isinstance(validity, dict) else None
        if until is None or until.isoformat() > "2025-06-30":
            problems.append(Problem(rel, parsed.line_of(("cap",)),
                                    "Cấp huyện đã kết thúc hoạt động từ ngày 01/07/2025"
                                    " (chính quyền địa phương hai cấp).",
                                    field="cap", label=schema.label("site", ("cap",)),
                                    expected="tinh, so-nganh hoặc xa; hoặc khai báo hieu_luc.den_ngay "
                                             "không muộn hơn 30/06/2025 cho cổng lưu trữ của huyện cũ",
                                    found="«huyen»", code="cap-huyen"))
    config["id"] = site_dir.name
    config["cap_label"] = schema.value_label("site", ("cap",), config.get("cap", ""))
    config.setdefault("ten_cong", f"Cổng thông tin điện tử {config.get('ten_ngan', site_dir.name)}")
    if any(p.severity != WARNING for p in problems):
        return None, problems
    return Site(id=site_dir.name, path=site_dir, config=config), problems
