"""What the Word report says, as plain text and rows (no python-docx here): the header,
the three sections and the signature block of a Decree 30/2020 report. ``writer`` lays
it out; tests read both."""

from __future__ import annotations

from dataclasses import dataclass, field

from counter_app.domain.models import OUTCOME_SUBMITTED
from counter_app.reports.aggregate import Report
from counter_app.reports.breakdowns import procedures_of
from counter_app.reports.records import SessionRec
from counter_app.reports.sentences import sentences
from counter_app.reports.vn import (
    change_text,
    date_words,
    figure_text,
    short_name,
    vn_int,
    vn_pct,
)
from counter_app.services.report_document import place_name

TITLE = "BÁO CÁO"
SUBJECT = "Kết quả hướng dẫn người dân thực hiện dịch vụ công trực tuyến"
SUBJECT_CONSOLIDATED = "Tổng hợp kết quả hướng dẫn người dân thực hiện dịch vụ công trực tuyến"
SECTION_RESULTS = "I. KẾT QUẢ THỰC HIỆN"
SECTION_BARRIERS = "II. KHÓ KHĂN, VƯỚNG MẮC"
SECTION_PROPOSALS = "III. ĐỀ XUẤT, KIẾN NGHỊ"
PART_FIGURES = "1. Số liệu chủ yếu"
PART_REMARKS = "2. Nhận xét"
PART_BARRIERS = "1. Các vướng mắc thường gặp"
PART_FAILING = "2. Thủ tục có nhiều lượt chưa nộp trực tuyến được"
FIGURE_HEADERS = ("STT", "Chỉ tiêu", "Kỳ này", "Kỳ trước", "Tăng (+)/giảm (−)")
DEFAULT_SIGNER = "THỦ TRƯỞNG ĐƠN VỊ"
RECIPIENTS = "Nơi nhận:"
ARCHIVE = "Lưu: VT."
ANNEX_LINE = (
    "Số liệu chi tiết theo thủ tục, lĩnh vực, ngày, cán bộ, quầy và đối tượng tại Phụ lục "
    "(tệp Excel kèm theo)."
)
NO_BARRIERS = "Trong kỳ không ghi nhận vướng mắc khi hướng dẫn nộp hồ sơ trực tuyến."
NO_FAILING = "Không có thủ tục nào chưa nộp trực tuyến được."
NO_PROPOSALS = "Không có."

# What an office can do about each built-in barrier (by its lookup code): offered under
# III when the barrier is among the most frequent; the supervisor deletes what does not
# apply (each suggestion is one paragraph) or turns them off in Settings.
SUGGESTIONS = {
    "missing_documents": (
        "Niêm yết, hướng dẫn rõ thành phần hồ sơ của các thủ tục thường gặp để người dân "
        "chuẩn bị đủ giấy tờ trước khi đến Bộ phận Một cửa."
    ),
    "no_vneid_level2": (
        "Phối hợp với Công an cấp xã đẩy mạnh cấp, kích hoạt tài khoản định danh điện tử "
        "mức 2 cho người dân."
    ),
    "password_otp": (
        "Hướng dẫn người dân lưu giữ thông tin đăng nhập; đề nghị đơn vị cung cấp dịch vụ "
        "khắc phục tình trạng không nhận được mã OTP."
    ),
    "payment_error": (
        "Đề nghị cơ quan quản lý Cổng Dịch vụ công và các đơn vị trung gian thanh toán khắc "
        "phục lỗi thanh toán trực tuyến phí, lệ phí."
    ),
    "system_error": (
        "Đề nghị cơ quan quản lý hệ thống khắc phục lỗi hệ thống, đường truyền; bảo đảm hạ "
        "tầng mạng tại Bộ phận Một cửa."
    ),
    "no_smartphone": (
        "Bố trí máy tính, thiết bị hỗ trợ tại Bộ phận Một cửa; phối hợp Tổ công nghệ số "
        "cộng đồng hỗ trợ người dân không có điện thoại thông minh."
    ),
    "not_online": (
        "Kiến nghị cơ quan có thẩm quyền rà soát, cung cấp trực tuyến các thủ tục người dân "
        "có nhu cầu cao nhưng chưa hỗ trợ nộp trực tuyến."
    ),
    "prefers_in_person": (
        "Tăng cường tuyên truyền về lợi ích của dịch vụ công trực tuyến để người dân lựa "
        "chọn nộp hồ sơ trực tuyến."
    ),
}
MAX_SUGGESTIONS = 3
TOP_BARRIERS = 5
TOP_FAILING = 5


@dataclass
class Content:
    parent_body: str
    office_name: str
    number_line: str
    place_date: str
    subject: str
    figures: list[tuple[str, str, str, str, str]]  # STT, label, this, previous, change
    remarks: list[str]
    barriers: list[str]
    failing: list[str]
    proposals: list[str]
    suggestions: list[str]
    signer_authority: str
    signer_title: str
    signer_name: str
    recipients: list[str]
    annex_line: str = ""
    extra_sections: list[tuple[str, list[str]]] = field(default_factory=list)
    office_table: list[tuple[str, ...]] = field(default_factory=list)
    office_table_title: str = ""

    def headings(self) -> list[str]:
        return [SECTION_RESULTS, SECTION_BARRIERS, SECTION_PROPOSALS]


def subject_line(report: Report) -> str:
    """ "… tuần 48/2026 (từ 23/11/2026 đến 29/11/2026)", "… tháng 11/2026 (từ … đến …)"."""
    period = report.period
    if period.kind == "custom":
        when = period.range_text
    else:
        name = period.name[0].lower() + period.name[1:]
        when = f"{name} ({period.range_text})"
    return f"{SUBJECT_CONSOLIDATED if report.consolidated else SUBJECT} {when}"


def figure_rows(report: Report) -> list[tuple[str, str, str, str, str]]:
    """The key figures: numbered rows, "Trong đó" rows unnumbered and indented."""
    rows = []
    n = 0
    for kf in report.key_figures():
        sub = kf.label.startswith(" ")
        if not sub:
            n += 1
        label = kf.label.strip()
        rows.append(
            (
                "" if sub else str(n),
                ("- " + label[len("Trong đó: ") :])
                if sub and label.startswith("Trong đó")
                else label,
                figure_text(kf.current, kf.kind),
                figure_text(kf.previous, kf.kind),
                change_text(kf),
            )
        )
    return rows


def barrier_lines(report: Report) -> list[str]:
    """The barriers ranked, each as a share of the procedures NOT submitted online."""
    den = report.not_submitted
    lines = []
    for label, count in report.top_barriers[:TOP_BARRIERS]:
        share = f", bằng {vn_pct(count / den)} số lượt TTHC chưa nộp được" if den else ""
        lines.append(f"{label}: {vn_int(count)} lượt{share}.")
    if lines:
        head = (
            f"Trong kỳ có {vn_int(den)} lượt thủ tục chưa nộp trực tuyến được; các vướng "
            "mắc thường gặp:"
        )
        return [head, *lines]
    return [NO_BARRIERS]


def failing_lines(sessions: list[SessionRec]) -> list[str]:
    """The procedures most people could not submit online: count not submitted, of how
    many guided, ranked by the count."""
    by_code: dict[str, list] = {}
    for p in procedures_of(sessions):
        entry = by_code.setdefault(p.code, [p.name, 0, 0])
        entry[1] += 1
        entry[2] += p.outcome_code != OUTCOME_SUBMITTED
    from counter_app.catalog.sorting import vietnamese_key

    ranked = sorted(
        ((name, n, failed) for name, n, failed in by_code.values() if failed),
        key=lambda r: (-r[2], vietnamese_key(r[0])),
    )
    lines = [
        f"{short_name(name)}: {vn_int(failed)}/{vn_int(n)} lượt chưa nộp trực tuyến được "
        f"({vn_pct(failed / n)})."
        for name, n, failed in ranked[:TOP_FAILING]
    ]
    return lines or [NO_FAILING]


def suggestion_lines(report: Report) -> list[str]:
    """Suggestions for the most frequent barriers that have one (built-in codes)."""
    if not report.document.suggestions:
        return []
    code_of = {r.label: r.code for r in report.lookups.values.get("barrier", [])}
    out = []
    for label, _count in report.top_barriers:
        text = SUGGESTIONS.get(code_of.get(label, ""))
        if text and text not in out:
            out.append(text)
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def build_content(report: Report, sessions: list[SessionRec]) -> Content:
    doc = report.document
    office = report.office
    office_name = office.name or ("ĐƠN VỊ TỔNG HỢP" if report.consolidated else "")
    symbol = doc.symbol or (office.code if not report.consolidated else "") or "…"
    place = place_name(doc.place, office.province)
    when = date_words(report.generated_at.date())
    recipients = list(doc.recipients) or [office.parent_body or "Lãnh đạo đơn vị"]
    proposals = [line for line in doc.proposals.splitlines() if line.strip()]
    return Content(
        parent_body=(office.parent_body or "").upper(),
        office_name=office_name.upper(),
        number_line=f"Số:        /BC-{symbol}",
        place_date=f"{place}, {when}" if place else when.capitalize(),
        subject=subject_line(report),
        figures=figure_rows(report),
        remarks=sentences(report),
        barriers=barrier_lines(report),
        failing=failing_lines(sessions),
        proposals=proposals,
        suggestions=suggestion_lines(report),
        signer_authority=doc.signer_authority.upper(),
        signer_title=(doc.signer_title or DEFAULT_SIGNER).upper(),
        signer_name=doc.signer_name,
        recipients=recipients,
        annex_line=ANNEX_LINE if report.with_annex else "",
    )


__all__ = ["Content", "build_content"]
