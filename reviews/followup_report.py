"""The follow-up report the procedure asks the secretary to give the steering-committee head ("kiểm tra,
theo dõi … và báo cáo Trưởng ban chỉ đạo ISO", QT.HT.06 5.3 and §VI risk 3): every decided action in force
with its unit, deadline, status, evidence and days late, for one review or across the agency's reviews; as
a page, a PDF (registered with qms.pdf for `render_form`) and the monthly digest (reviews.reminders)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy

from qms.models import Organisation, User
from qms.pdf import register_form, render_pdf, vn_date_line
from qms.roles import Role

from .models import ActionStatus, Review, ReviewAction, ReviewStatus, UnitReport, UnitReportStatus

FOLLOWUP_REVIEW = "BC.THEO-DOI"  # one review's actions
FOLLOWUP_AGENCY = "BC.THEO-DOI.CQ"  # every review's actions, of one agency (pk: the organisation's)


@dataclass
class FollowupRow:
    action: ReviewAction
    days_late: int

    @property
    def evidence(self) -> str:
        return self.action.evidence


@dataclass
class FollowupReport:
    organisation: Organisation
    review: Review | None
    today: dt.date
    rows: list[FollowupRow] = field(default_factory=list)

    def count(self, *statuses: str) -> int:
        return sum(1 for r in self.rows if r.action.status in statuses)

    @property
    def totals(self) -> dict[str, int]:
        return {
            "total": len(self.rows),
            "done": self.count(ActionStatus.DONE),
            "reported": self.count(ActionStatus.REPORTED),
            "open": self.count(ActionStatus.OPEN, ActionStatus.IN_PROGRESS),
            "overdue": sum(1 for r in self.rows if r.action.is_open and r.days_late > 0),
            "cancelled": self.count(ActionStatus.CANCELLED),
        }


def followup_report(*, organisation: Organisation, review: Review | None = None, today: dt.date | None = None) -> FollowupReport:
    """The actions in force (those of signed minutes) of `review`, or of every review of the agency."""
    today = today or timezone.localdate()
    actions = (
        ReviewAction.objects.followed()
        .filter(review__organisation=organisation)
        .select_related("review", "responsible_unit", "minutes", "result_notice")
        .order_by("review__year", "review__sequence", "review__pk", "deadline", "pk")
    )
    if review is not None:
        actions = actions.filter(review=review)
    rows = [FollowupRow(action=a, days_late=a.days_late(today)) for a in actions]
    return FollowupReport(organisation=organisation, review=review, today=today, rows=rows)


def overdue_actions(organisation: Organisation, today: dt.date) -> list[ReviewAction]:
    return list(
        ReviewAction.objects.followed()
        .filter(review__organisation=organisation, review__status=ReviewStatus.SIGNED)
        .overdue(today)
        .select_related("review", "responsible_unit")
    )


def late_reports(organisation: Organisation, today: dt.date) -> list[UnitReport]:
    """Units that have not submitted their report of a review still collecting, past the deadline."""
    return list(
        UnitReport.objects.filter(
            review__organisation=organisation,
            review__status=ReviewStatus.COLLECTING,
            review__report_deadline__lt=today,
            first_submitted_at__isnull=True,
        )
        .exclude(status=UnitReportStatus.SUBMITTED)
        .select_related("review", "unit")
    )


def followup_report_pdf(report: FollowupReport) -> bytes:
    org = report.organisation
    head = User.objects.with_role(Role.COMMITTEE_HEAD, organisation=org).order_by("pk").first()
    secretary = User.objects.with_role(Role.SECRETARY, organisation=org).order_by("pk").first()
    context = {
        "org": org,
        "form_code": FOLLOWUP_REVIEW if report.review else FOLLOWUP_AGENCY,
        "document_title": "Báo cáo theo dõi thực hiện kết luận họp xem xét",
        "number_line": "",
        "date_line": vn_date_line(org.place_name, report.today),
        "is_draft": False,
        "report": report,
        "totals": report.totals,
        "secretary": secretary,
        "head": head,
    }
    return render_pdf("pdf/reviews/followup_report.html", context)


def register() -> None:
    """Called from ReviewsConfig.ready(): `render_form BC.THEO-DOI <review pk>` and
    `render_form BC.THEO-DOI.CQ <organisation pk>`."""

    def per_review(pk: int) -> bytes:
        review = Review.objects.select_related("organisation").get(pk=pk)
        return followup_report_pdf(followup_report(organisation=review.organisation, review=review))

    def per_agency(pk: int) -> bytes:
        return followup_report_pdf(followup_report(organisation=Organisation.objects.get(pk=pk)))

    title = gettext_lazy("Báo cáo theo dõi thực hiện kết luận họp xem xét")
    register_form(FOLLOWUP_REVIEW, title, per_review)  # type: ignore[arg-type]  # lazy on purpose: listed in the user's language
    register_form(FOLLOWUP_AGENCY, title, per_agency)  # type: ignore[arg-type]  # lazy on purpose: listed in the user's language
