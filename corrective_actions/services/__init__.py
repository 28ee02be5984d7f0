"""Every write of a corrective-action ticket (QT.CTCL 5.1–5.7), one module per stage of the procedure.
Each move checks TICKET_TRANSITIONS and its "who" (common.ticket_move), updates the row conditionally
(qms.services.state_transition) and notifies the next person after commit. Reads live in selectors.py,
who may act in rules.py, the daily reminder sweep in reminders.py."""

from .assignment import ticket_approve, ticket_assign, ticket_present, ticket_propose, ticket_return, tickets_present
from .evidence import attachment_add
from .implementation import change_request_decide, change_request_open, progress_report_add, ticket_report
from .intake import ticket_correct, ticket_handling_check, ticket_handling_record, ticket_open, ticket_open_from_source, ticket_submit
from .verification import ticket_close, ticket_delegate_set, ticket_verify

__all__ = [
    "attachment_add",
    "change_request_decide",
    "change_request_open",
    "progress_report_add",
    "ticket_approve",
    "ticket_assign",
    "ticket_close",
    "ticket_correct",
    "ticket_delegate_set",
    "ticket_handling_check",
    "ticket_handling_record",
    "ticket_open",
    "ticket_open_from_source",
    "ticket_present",
    "ticket_propose",
    "ticket_report",
    "ticket_return",
    "ticket_submit",
    "ticket_verify",
    "tickets_present",
]
