"""Who may do what in a review by report (QT.CTCL 5.8.2), and the buttons its pages show. The moves
themselves are checked by the services against BY_REPORT_TRANSITIONS and RESULT_NOTICE_TRANSITIONS."""

from __future__ import annotations

from qms.models import User
from qms.roles import Role

from .models import BY_REPORT_TRANSITIONS, RESULT_NOTICE_TRANSITIONS, ByReportComment, ResultNotice, ReviewByReport, ReviewStatus
from .rules import has_role_and_perm, moves_for


def can_manage_by_report(user: User) -> bool:
    return has_role_and_perm(user, Role.SECRETARY, "reviews.manage_by_report")


def can_follow_comments(user: User) -> bool:
    """Who has answered the comment round: the secretary who consolidates, and the Lãnh đạo Ban ISO."""
    return can_manage_by_report(user) or has_role_and_perm(user, Role.COMMITTEE_HEAD, "reviews.approve_by_report")


def by_report_actions(
    report: ReviewByReport, user: User, *, my_comment: ByReportComment | None, round_open: bool, notice: ResultNotice | None
) -> set[str]:
    review = report.review
    if not user.is_authenticated or user.organisation_id != review.organisation_id:
        return set()
    actions = moves_for(BY_REPORT_TRANSITIONS, review.status, user) - {"approve_notice"}
    if report.is_editable and can_manage_by_report(user):
        actions.add("edit")
    if my_comment is not None and round_open and user.has_role_perm("reviews.comment_by_report"):
        actions.add("comment")
    if review.status == ReviewStatus.APPROVED and notice is None and can_manage_by_report(user):
        actions.add("notice_create")
    return actions


def notice_visible(notice: ResultNotice, user: User) -> bool:
    """The approved notice is read by whoever reads the report; before, by the secretary who drafts it and
    the Lãnh đạo Ban ISO and the top leader who take it in turn."""
    return notice.is_approved or can_manage_by_report(user) or user.has_role(Role.COMMITTEE_HEAD, Role.TOP_LEADER)


def notice_actions(notice: ResultNotice, user: User) -> set[str]:
    if not user.is_authenticated or user.organisation_id != notice.review.organisation_id:
        return set()
    actions = moves_for(RESULT_NOTICE_TRANSITIONS, notice.status, user)
    if notice.is_editable and notice.review.status == ReviewStatus.APPROVED and can_manage_by_report(user):
        actions.add("edit")
    return actions
