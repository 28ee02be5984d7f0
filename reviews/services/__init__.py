"""The writes of the management review, one module per stage of QT.HT.06 (the test files follow the same
split). Each service is keyword-only, atomic, checks who may act (check_transition for a move, require
for any other write) and writes the audit trail. Reads live in reviews.selectors, who may act in reviews.rules; what the Celery tasks
run, in reviews.delivery and reviews.reminders."""

from .consolidated import (
    ConsolidatedRebuild,
    consolidated_report_finalise,
    consolidated_report_generate,
    consolidated_report_rebuild,
    consolidated_report_save,
)
from .followup import (
    action_cancel,
    action_complete,
    action_evidence_confirm,
    action_evidence_return,
    action_progress_record,
    action_reopen,
    resource_request_answer,
    resource_request_create,
    review_action_ticket_open,
    review_close,
)
from .minutes import minutes_create, minutes_revise, minutes_save, minutes_sign
from .plan import (
    PLAN_FIELDS,
    review_notice_issue,
    review_plan_approve,
    review_plan_create,
    review_plan_reopen,
    review_plan_return,
    review_plan_submit,
    review_plan_update,
)
from .risks import review_action_risk_record
from .unit_reports import review_collection_close, unit_report_attachment_delete, unit_report_return, unit_report_save

__all__ = [
    "ConsolidatedRebuild",
    "PLAN_FIELDS",
    "action_cancel",
    "action_complete",
    "action_evidence_confirm",
    "action_evidence_return",
    "action_progress_record",
    "action_reopen",
    "consolidated_report_finalise",
    "consolidated_report_generate",
    "consolidated_report_rebuild",
    "consolidated_report_save",
    "minutes_create",
    "minutes_revise",
    "minutes_save",
    "minutes_sign",
    "resource_request_answer",
    "resource_request_create",
    "review_action_risk_record",
    "review_action_ticket_open",
    "review_close",
    "review_collection_close",
    "review_notice_issue",
    "review_plan_approve",
    "review_plan_create",
    "review_plan_reopen",
    "review_plan_return",
    "review_plan_submit",
    "review_plan_update",
    "unit_report_attachment_delete",
    "unit_report_return",
    "unit_report_save",
]
