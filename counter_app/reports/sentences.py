"""Three to six Vietnamese sentences a supervisor can paste into a written report."""

from __future__ import annotations

from counter_app.reports.aggregate import Report, Totals
from counter_app.reports.vn import short_name, vn_dec, vn_int, vn_pct

__all__ = ["sentences", "vn_dec", "vn_int", "vn_pct"]


def _change(cur: int, prev: int | None, noun: str) -> str:
    if prev is None:
        return ""
    if cur == prev:
        return f" (không đổi so với {noun} trước)"
    word = "tăng" if cur > prev else "giảm"
    diff = abs(cur - prev)
    if prev:
        return f" ({word} {vn_int(diff)} lượt, {vn_pct(diff / prev)} so với {noun} trước)"
    return f" ({word} {vn_int(diff)} lượt so với {noun} trước)"


def sentences(report: Report) -> list[str]:
    t: Totals = report.totals
    p = report.prev_totals
    noun = report.period.noun
    who = "các đơn vị" if report.consolidated else (report.office.name or "đơn vị")
    when = report.period.in_text
    if t.sessions == 0:
        out = [
            f"Trong {when}, {who} chưa ghi nhận lượt hướng dẫn người dân sử dụng dịch vụ "
            f"công trực tuyến nào."
        ]
        if p is not None and p.sessions:
            out.append(f"{noun.capitalize()} trước có {vn_int(p.sessions)} lượt hướng dẫn.")
        out.append("Đề nghị kiểm tra việc ghi sổ theo dõi tại các quầy.")
        return out
    out = [
        f"Trong {when}, {who} đã hướng dẫn {vn_int(t.sessions)} lượt người dân, tổ chức sử "
        f"dụng dịch vụ công trực tuyến{_change(t.sessions, p.sessions if p else None, noun)}, "
        f"với {vn_int(t.procedures)} lượt thủ tục hành chính."
    ]
    rate = (
        f"Số hồ sơ nộp trực tuyến thành công là {vn_int(t.submitted)}/"
        f"{vn_int(t.procedures)}, đạt tỷ lệ {vn_pct(t.success_rate)}"
    )
    if p is not None and p.success_rate is not None and t.success_rate is not None:
        rate += f" ({noun} trước: {vn_pct(p.success_rate)})"
    avg = t.avg_minutes or 0
    out.append(rate + f"; thời gian hướng dẫn trung bình {vn_dec(avg)} phút/lượt.")
    if report.top_procedures:
        top = ", ".join(
            f"{short_name(name)} ({vn_int(c)} lượt)" for _, name, c in report.top_procedures[:3]
        )
        out.append(f"Các thủ tục được hướng dẫn nhiều nhất: {top}.")
    if report.top_barriers:
        top = ", ".join(f"{label} ({vn_int(c)} lượt)" for label, c in report.top_barriers[:3])
        out.append(f"Vướng mắc thường gặp khi chưa nộp được trực tuyến: {top}.")
    groups = []
    for count, name in (
        (t.elderly, "người cao tuổi"),
        (t.ethnic_minority, "người dân tộc thiểu số"),
        (t.disability, "người khuyết tật"),
    ):
        if count:
            groups.append(f"{vn_int(count)} lượt {name} ({vn_pct(count / t.sessions)})")
    if groups:
        out.append("Đã hỗ trợ " + ", ".join(groups) + ".")
    if t.organisations:
        out.append(
            f"Có {vn_int(t.organisations)} lượt hướng dẫn tổ chức, doanh nghiệp "
            f"({vn_pct(t.organisations / t.sessions)})."
        )
    return out[:6]
