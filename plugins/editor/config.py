"""The Decap CMS configuration (``quan-tri/config.yml``) of one site, generated from the schemas and site.yaml.

``site_config`` is the generator: the backend from ``site.yaml: bien_tap`` (GitLab or Forgejo, with the
editorial workflow; docs/huong-dan-bien-tap.md), the local backend of ``invoke cms``, the media folders
(images in ``anh/``, attachments in ``tep/``), and one folder collection per content type whose fields
come from :mod:`editor.fields`. Every property of every content schema is represented, or listed in
:data:`LEFT_OUT` with the reason (``tests/test_editor_config.py`` holds the generator to that).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portal import content_types, schema

from .fields import Context, Suggest, fields_of

ADMIN = "quan-tri"           # the editor of every site: https://<site>/quan-tri/
LOCAL_API = "/api/v1"        # decap-server behind the preview server of invoke cms (same origin)
DEFAULT_BRANCH = "main"
FIRST = ("tieu_de", "ngay")  # the form opens with the title and the publication date
BODY_LABELS = {"hoi-dap": "Nội dung trả lời", "lich-cong-tac": "Ghi chú thêm (không bắt buộc)"}
# Properties of a content schema that the editor deliberately does not show: (type, dotted path) → reason.
# Empty today: every field of every schema has a widget. A field added to a schema must get a widget (the
# generator gives one to any type) or an entry here; tests/test_editor_config.py fails otherwise.
LEFT_OUT: dict[tuple[str, str], str] = {}
# Text fields that suggest the site's own items (and still accept any value: a procedure cites national laws
# that no portal of the province publishes, so a strict relation would refuse them).
SUGGESTIONS: dict[str, dict[tuple, Suggest]] = {
    "thu-tuc": {("can_cu_phap_ly", 0, "so_ky_hieu"): Suggest("van-ban", "so_ky_hieu", "trich_yeu"),
                ("quyet_dinh_cong_bo", "so_ky_hieu"): Suggest("van-ban", "so_ky_hieu", "trich_yeu"),
                ("thu_tuc_lien_quan", 0): Suggest("thu-tuc", "ma_thu_tuc", "tieu_de")},
    "pho-bien-phap-luat": {("van_ban_lien_quan", 0, "so_ky_hieu"): Suggest("van-ban", "so_ky_hieu", "trich_yeu")},
    "van-ban": {("thay_the", 0): Suggest("van-ban", "so_ky_hieu", "trich_yeu"),
                ("bi_thay_the_boi",): Suggest("van-ban", "so_ky_hieu", "trich_yeu")},
}
# The preview pane's layout per content type (static/bien-tap.js draws each like the portal's page).
LAYOUTS = {"van-ban": "van-ban", "thu-tuc": "thu-tuc", "lich-cong-tac": "lich", "trang": "trang"}


@dataclass
class Generated:
    """One site's editor: ``config`` (config.yml), ``guards`` (collection → rules for the preSave
    handler), ``previews`` (collection → layout and fields) and ``seen`` (type → schema paths shown)."""

    config: dict
    guards: dict = field(default_factory=dict)
    previews: dict = field(default_factory=dict)
    seen: dict = field(default_factory=dict)


def site_config(site: dict) -> Generated:
    """The editor of the site whose validated ``site.yaml`` is ``site`` (with ``id``)."""
    folder = f"content/{site['id']}"
    media = {"anh": f"{folder}/anh", "tep": f"{folder}/tep"}
    config = {
        "backend": backend(site),
        # Only honoured on localhost/127.0.0.1: invoke cms serves decap-server under the preview server, on
        # the page's own origin (bien-tap.js gives Decap the absolute address it wants).
        "local_backend": True,
        "publish_mode": "editorial_workflow",
        "locale": "vi",
        "site_url": site["dia_chi_web"],
        "display_url": site["dia_chi_web"],
        "logo_url": "../theme/img/bieu-trung.svg",
        "show_preview_links": False,
        "media_folder": media["anh"],
        "public_folder": "anh",
        "slug": {"encoding": "ascii", "clean_accents": True, "sanitize_replacement": "-"},
        "collections": [],
    }
    generated = Generated(config)
    for ctype in content_types.TYPES:
        ctx = Context(ctype.id, media, SUGGESTIONS.get(ctype.id, {}))
        collection = _collection(ctype, folder, ctx)
        config["collections"].append(collection)
        generated.guards[ctype.id] = [g.as_dict() for g in ctx.guards]
        generated.previews[ctype.id] = _preview(ctype, collection)
        generated.seen[ctype.id] = sorted(set(ctx.seen))
    return generated


def backend(site: dict) -> dict:
    """Decap's backend from ``site.yaml: bien_tap``; without it only ``invoke cms`` (the local backend) works."""
    settings = site.get("bien_tap") or {}
    branch = settings.get("nhanh_dang") or DEFAULT_BRANCH
    kind = settings.get("may_chu_git")
    if not kind:
        return {"name": "proxy", "proxy_url": LOCAL_API, "branch": branch}
    api_root = settings["dia_chi_api"].rstrip("/")
    base_url = (settings.get("dia_chi_dang_nhap") or api_root.split("/api/", 1)[0]).rstrip("/")
    out = {"name": kind, "repo": settings["kho"], "branch": branch, "api_root": api_root, "base_url": base_url,
           "app_id": settings["ma_ung_dung"],
           # Decap writes these into commit and merge request titles: Vietnamese, with the author's name.
           "commit_messages": {"create": "Tạo {{collection}} «{{slug}}» ({{author-name}})",
                               "update": "Sửa {{collection}} «{{slug}}» ({{author-name}})",
                               "delete": "Xóa {{collection}} «{{slug}}» ({{author-name}})",
                               "uploadMedia": "Tải lên «{{path}}» ({{author-name}})",
                               "deleteMedia": "Xóa tệp «{{path}}» ({{author-name}})"}}
    if kind == "gitlab":
        out.update({"auth_type": "pkce", "auth_endpoint": "oauth/authorize"})
    return out


def _collection(ctype, folder: str, ctx: Context) -> dict:
    node = schema.schema(ctype.id)
    own = list(node.get("properties", {}))
    order = list(FIRST) + [n for n in own if n not in FIRST]
    fields = fields_of(ctx, schema.subschema(ctype.id, ()), (), order)
    fields.append({"name": "body", "label": BODY_LABELS.get(ctype.id, "Nội dung"), "widget": "markdown",
                   "required": False})
    slug = {"lich-cong-tac": "{{tu_ngay}}", "trang": "{{slug}}"}.get(ctype.id, "{{year}}-{{month}}-{{day}}-{{slug}}")
    collection = {
        "name": ctype.id,
        "label": ctype.label,
        "label_singular": node.get("title", ctype.label),
        "description": node.get("description", ""),
        "folder": f"{folder}/{ctype.id}",
        "create": True,
        "extension": "md",
        "format": "yaml-frontmatter",
        "slug": slug,
        "identifier_field": ctype.title_field,
        "summary": "{{tieu_de}}" if ctype.id != "lich-cong-tac" else "Tuần từ {{tu_ngay}} {{tieu_de}}",
        "sortable_fields": ["tieu_de"] + (["ngay"] if ctype.kind == "article" else []),
        "editor": {"preview": True},
        "fields": fields,
    }
    return collection


def _preview(ctype, collection: dict) -> dict:
    """What the preview pane shows: the layout and, per field, its label and how to show its value."""
    return {"bo_cuc": LAYOUTS.get(ctype.id, "tin"), "ten_loai": ctype.label,
            "truong": [_preview_field(f) for f in collection["fields"] if f["name"] != "body"]}


def _preview_field(f: dict) -> dict:
    out = {"ten": f["name"], "nhan": f["label"], "kieu": f.get("widget", "string")}
    if f.get("options"):
        out["nhan_gia_tri"] = {o["value"]: o["label"] for o in f["options"]}
    if f.get("fields"):
        out["truong"] = [_preview_field(x) for x in f["fields"]]
    if f.get("field"):
        out["truong_don"] = _preview_field(f["field"])
    return out


def documented_paths(type_id: str) -> list[tuple]:
    """Every property path of a content schema (list items as 0): what the editor must represent."""
    paths: list[tuple] = []

    def walk(path: tuple) -> None:
        node = schema.subschema(type_id, path)
        if node.get("type") == "object" or (not path and schema.properties_of(node)):
            for name in schema.properties_of(node):
                paths.append(path + (name,))
                walk(path + (name,))
        elif node.get("type") == "array":
            items = schema.subschema(type_id, path + (0,))
            paths.append(path + (0,))
            if items.get("type") == "object":
                for name in schema.properties_of(items):
                    paths.append(path + (0, name))
                    walk(path + (0, name))

    walk(())
    return paths
