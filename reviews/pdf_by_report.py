"""The review by report's two documents (QT.CTCL 5.8.2) as PDFs in the Decree 30/2020 layout
(templates/pdf/base.html): the secretary's report CTCL.5.8.2.BC and the result notice CTCL.5.8.2.TB. The
official forms are always Vietnamese."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from qms.dates import format_date
from qms.models import User
from qms.pdf import document_number, register_form, render_html, vn_date_line
from qms.roles import Role

from .models import BY_REPORT_INPUTS, ResultNotice, ReviewByReport, ReviewStatus

REPORT = "CTCL.5.8.2.BC"
NOTICE = "CTCL.5.8.2.TB"


def _signature(role: str, user: User | None, note: str = "") -> dict:
    return {"role": role, "name": user.display_name if user else "", "note": note, "esign": None, "role_plain": False}


def report_html(report: ReviewByReport) -> str:
    """Báo cáo kết quả hoạt động vận hành duy trì HTQLCL: the inputs of 5.8.1.1 under their headings."""
    review = report.review
    org = review.organisation
    approved = timezone.localtime(report.approved_at).date() if report.approved_at else None
    with translation.override("vi"):
        inputs = [(str(label), getattr(report, name)) for name, label in BY_REPORT_INPUTS]
    context = {
        "org": org,
        "form_code": REPORT,
        "document_title": "Báo cáo kết quả hoạt động vận hành duy trì HTQLCL",
        "number_line": document_number(None, org.report_symbol),
        "date_line": vn_date_line(org.place_name, approved),
        "is_draft": approved is None or review.status in (ReviewStatus.DRAFT, ReviewStatus.PENDING_APPROVAL, ReviewStatus.RETURNED),
        "review": review,
        "report": report,
        # 1, 2 / 3 (3.1–3.4) / 4–6: the third input of 5.8.1.1 is a heading over four parts.
        "inputs_before": inputs[:2],
        "inputs_performance": inputs[2:6],
        "inputs_after": inputs[6:],
        "approved_line": (
            f"Báo cáo đã được {report.approved_by.display_name} (Lãnh đạo Ban ISO) phê duyệt ngày {format_date(approved)}."
            if approved and report.approved_by
            else ""
        ),
        "signature": _signature("Thư ký ISO", report.created_by),
    }
    return render_html("pdf/ctcl_582_bc.html", context)


def notice_html(notice: ResultNotice) -> str:
    """Thông báo kết quả xem xét của lãnh đạo: the comments consolidated, the conclusions, the outputs of
    5.8.1.2 under their headings and the actions with unit and deadline; signed by the top leader."""
    review = notice.review
    org = review.organisation
    approved = timezone.localtime(notice.approved_at).date() if notice.approved_at else None
    report = review.by_report
    signer = notice.approved_by or User.objects.with_role(Role.TOP_LEADER, organisation=org).order_by("pk").first()
    with translation.override("vi"):
        outputs = [(str(heading), text, actions) for _key, heading, text, actions in notice.outputs()]
    context = {
        "org": org,
        "form_code": NOTICE,
        "document_title": "Thông báo kết quả xem xét của lãnh đạo",
        "number_line": document_number(notice.number, org.notice_symbol),
        "date_line": vn_date_line(org.place_name, approved),
        "is_draft": not notice.is_approved,
        "review": review,
        "notice": notice,
        "report_approved": format_date(timezone.localtime(report.approved_at).date()) if report.approved_at else "",
        "outputs": outputs,
        "actions": list(notice.actions.select_related("responsible_unit").order_by("deadline", "pk")),
        "signature": _signature((signer.job_title if signer and signer.job_title else "Lãnh đạo cao nhất"), signer),
    }
    return render_html("pdf/ctcl_582_tb.html", context)


def register() -> None:
    """Called from ReviewsConfig.ready(): both documents for `render_form CODE PK` and the download views."""
    register_form(
        REPORT,
        gettext_lazy("Báo cáo kết quả hoạt động vận hành duy trì HTQLCL"),  # type: ignore[arg-type]  # listed in the user's language
        html=lambda pk: report_html(ReviewByReport.objects.select_related("review__organisation", "approved_by", "created_by").get(pk=pk)),
    )
    register_form(
        NOTICE,
        gettext_lazy("Thông báo kết quả xem xét của lãnh đạo"),  # type: ignore[arg-type]
        html=lambda pk: notice_html(
            ResultNotice.objects.select_related("review__organisation", "review__by_report", "approved_by").get(pk=pk)
        ),
    )
