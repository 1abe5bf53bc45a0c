"""The compliance checks, one module per kind of requirement, registered by the rule kind they serve."""

from . import accessibility, completeness, deadline, evidence, identity, periodic, presence, recency, validity

CHECKS = {
    "co-chuyen-muc": presence.section,
    "co-trang": presence.page,
    "truong-cong": presence.site_fields,
    "du-truong": completeness.fields,
    "han-dang": deadline.after_event,
    "thong-bao-tam-ngung": deadline.outage_notice,
    "cap-nhat-dinh-ky": recency.periodic,
    "lich-tuan": recency.weekly_schedule,
    "hieu-luc-van-ban": validity.documents,
    "can-cu-con-hieu-luc": validity.procedure_basis,
    "bang-chung-ngay": evidence.git_dates,
    "ten-mien": identity.domain,
    "thanh-phan-cong-tinh": identity.part_of_province,
    "tu-danh-gia-tiep-can": accessibility.self_assessment,
    "cong-khai-dinh-ky": periodic.disclosure,
}

__all__ = ["CHECKS"]
