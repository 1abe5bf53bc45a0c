"""Write a converted document as a new item of a site: its Markdown file, its pictures, its attachment.

The item goes where ``invoke new`` puts one, ``content/<site>/<type>/<date>-<slug>.md`` (a văn bản is
dated by its ngày ban hành and named by its kind, number and year: ``2026-03-05-qd-12-2026-…``), with the
same front matter form (:func:`portal.scaffold.render`): the fields the document stated are written, every
other required field gets the placeholder ``invoke check`` reports. Nothing is ever overwritten: an item
file that exists stops the import (ImportRefused), a picture or attachment name already taken by another
file gets a number (``-2``), and the item file is created exclusively (``open(…, "x")``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from portal import placeholders, scaffold, schema
from portal.slugs import slugify

from .converted import Converted
from .errors import ImportRefused
from .letterhead import KIND_ABBREVIATIONS

STEM_LENGTH = 60
ASSET_LENGTH = 40  # pictures and attachments: anh/qd-12-2026-ban-hanh-quy-che-anh-1.png
_ABBREVIATION = {value: key for key, value in KIND_ABBREVIATIONS.items()} | {"cong-van": "CV", "luat": "L"}


@dataclass
class Written:
    """The files an import created, relative to the project root, and the item's front matter values."""

    item: Path
    images: list[Path] = field(default_factory=list)
    attachment: Path | None = None
    fields: dict = field(default_factory=dict)


def stem(type_id: str, fields: dict, now: dt.datetime) -> str:
    """``<date>-<slug>``: a văn bản by its issue date, kind, number and subject; others by date and title."""
    if type_id == "van-ban" and fields.get("so_ky_hieu"):
        number = fields["so_ky_hieu"].split("/")
        kind = _ABBREVIATION.get(fields.get("loai_van_ban", ""), "vb")
        head = "-".join([kind, number[0]] + ([number[1]] if len(number) > 2 else []))
        subject = fields.get("trich_yeu", "")
        subject = subject[len("Về việc "):] if subject.lower().startswith("về việc ") else subject
        slug = slugify(f"{head} {subject}", STEM_LENGTH)
        day = fields.get("ngay_ban_hanh") or now.date().isoformat()
    else:
        slug = slugify(fields.get("tieu_de", ""), STEM_LENGTH) or "bai-nhap"
        day = now.date().isoformat()
    return f"{day}-{slug.strip('-')}"


def write(site_dir: Path, type_id: str, converted: Converted, now: dt.datetime) -> Written:
    """Create the item, its pictures in ``anh/`` and its attachment in ``tep/``; return what was written."""
    allowed = set(schema.properties_of(schema.subschema(type_id, ())))
    fields = {k: v for k, v in converted.reading.fields.items() if k in allowed}
    name = stem(type_id, fields, now)
    path = site_dir / type_id / f"{name}.md"
    if path.exists():
        raise ImportRefused(f"Đã có tệp {path.relative_to(site_dir.parent.parent)} (có thể văn bản này đã được nhập"
                            " trước đó). Lệnh nhập không bao giờ ghi đè lên tệp có sẵn: nếu muốn nhập lại, hãy xóa"
                            " hoặc đổi tên tệp cũ rồi chạy lại.")
    written = Written(path)
    body = converted.body
    short = slugify(name.split("-", 3)[-1], ASSET_LENGTH) or "nhap"  # the stem without its date, shortened
    for index, image in enumerate(converted.images, 1):
        target = _free(site_dir / "anh", f"{short}-anh-{index}", image.extension, image.data)
        written.images.append(target)
        relative = f"anh/{target.name}"
        body = body.replace(image.token, relative)
    if converted.attachment is not None and "dinh_kem" in allowed:
        original, data = converted.attachment
        extension = original.rsplit(".", 1)[-1].lower() if "." in original else "pdf"
        written.attachment = _free(site_dir / "tep", short, extension, data)
        label = schema.value_label("van-ban", ("loai_van_ban",), fields["loai_van_ban"]) \
            if fields.get("loai_van_ban") else "Toàn văn"
        title = f"{label} số {fields['so_ky_hieu']}" if fields.get("so_ky_hieu") else f"Toàn văn ({original})"
        fields["dinh_kem"] = [{"ten": title, "tep": f"tep/{written.attachment.name}"}]
    title = fields.get("tieu_de") or placeholders.FILL.format(what="tiêu đề")
    fields.setdefault("tieu_de", title)
    text = scaffold.render(type_id, title, now, name, known=fields, body=body.rstrip("\n") or placeholders.BODY)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError:
        raise ImportRefused(f"Tệp {path.name} vừa được tạo bởi một lần nhập khác; không ghi đè.") from None
    written.fields = fields
    return written


def _free(folder: Path, base: str, extension: str, data: bytes) -> Path:
    """``folder/base.ext``, or ``base-2.ext``… when taken by a different file (the same bytes are reused)."""
    folder.mkdir(parents=True, exist_ok=True)
    number = 1
    while True:
        candidate = folder / (f"{base}.{extension}" if number == 1 else f"{base}-{number}.{extension}")
        try:
            with open(candidate, "xb") as handle:
                handle.write(data)
            return candidate
        except FileExistsError:
            if candidate.read_bytes() == data:
                return candidate
            number += 1
