"""The buttons of the ticket page: one small view each, which calls one service. They share the URL
corrective_actions:action, whose <action> ticket_action looks up in ACTION_VIEWS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest

from .. import forms
from ..models import ChangeRequest, Ticket
from ..rules import can_act
from ..services import (
    change_request_decide,
    change_request_open,
    progress_report_add,
    ticket_approve,
    ticket_assign,
    ticket_close,
    ticket_correct,
    ticket_delegate_set,
    ticket_handling_check,
    ticket_handling_record,
    ticket_present,
    ticket_propose,
    ticket_report,
    ticket_return,
    ticket_submit,
    ticket_verify,
)
from .pages import refusal_show, ticket_page, visible_ticket


def _acting_on(request: AuthenticatedHttpRequest, pk: int, action: str) -> Ticket:
    """The ticket, if the user sees it (else 404) and is among those who may take `action` on it (else 403)."""
    ticket = visible_ticket(request, pk)
    if not can_act(request.user, ticket, action):
        raise PermissionDenied
    return ticket


def _step_data(form: forms.StepForm, ticket: Ticket) -> dict[str, Any] | None:
    """The form's input without its version, or None when it is invalid or was loaded before the ticket
    last changed (the reason is then on the form)."""
    if not form.is_valid():
        return None
    data = dict(form.cleaned_data)
    version = data.pop("version", None)
    if version is not None and version != ticket.version:
        form.add_error(None, _("Phiếu vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại."))
        return None
    return data


def _saved(request: AuthenticatedHttpRequest, ticket: Ticket) -> HttpResponse:
    messages.success(request, _("Đã lưu."))
    return redirect(ticket)


def _not_saved(request: AuthenticatedHttpRequest, ticket: Ticket, action: str, form: forms.StepForm) -> HttpResponse:
    messages.error(request, _("Chưa lưu được: vui lòng xem lỗi bên dưới."))
    return ticket_page(request, ticket, refused=(action, form))


@login_required
@require_POST
def correct(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "correct")
    form = forms.CorrectForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_correct(
                actor=request.user,
                ticket=ticket,
                correction_kind=data["correction_kind"],
                handler=data["handler"],
                checker=data["checker"],
                accepted_by=data["accepted_by"],
                acceptance_ground=data["acceptance_ground"],
                note=data["note"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "correct", form)


@login_required
@require_POST
def handle(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "handle")
    form = forms.HandleForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_handling_record(
                actor=request.user,
                ticket=ticket,
                correction_result=data["correction_result"],
                redo_reference=data["redo_reference"],
                repair_scope=data["repair_scope"],
                discard_method=data["discard_method"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "handle", form)


def _handling_check(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    ticket = _acting_on(request, pk, action)
    form_class = forms.HandlingCheckForm if action == "confirm_handling" else forms.HandlingReturnForm
    form = form_class(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_handling_check(actor=request.user, ticket=ticket, confirmed=action == "confirm_handling", note=data["note"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, action, form)


@login_required
@require_POST
def confirm_handling(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _handling_check(request, pk, "confirm_handling")


@login_required
@require_POST
def return_handling(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _handling_check(request, pk, "return_handling")


@login_required
@require_POST
def submit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "submit")
    form = forms.SubmitForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_submit(actor=request.user, ticket=ticket, signs=data["signs"], note=data["note"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "submit", form)


@login_required
@require_POST
def present(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "present")
    form = forms.NoteForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_present(actor=request.user, ticket=ticket, note=data["note"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "present", form)


@login_required
@require_POST
def assign(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "assign")
    form = forms.AssignForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_assign(
                actor=request.user,
                ticket=ticket,
                implementing_unit=data["implementing_unit"],
                assignee=data["assignee"],
                delegate=data["delegate"],
                note=data["note"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "assign", form)


@login_required
@require_POST
def propose(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "propose")
    form = forms.ProposeForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_propose(actor=request.user, ticket=ticket, cause=data["cause"], measure=data["measure"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "propose", form)


@login_required
@require_POST
def approve(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "approve")
    form = forms.ApproveForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_approve(
                actor=request.user,
                ticket=ticket,
                completion_date=data["completion_date"],
                implementing_unit=data["implementing_unit"],
                assignee=data["assignee"],
                note=data["note"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "approve", form)


@login_required
@require_POST
def return_proposal(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "return")
    form = forms.ReturnForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_return(actor=request.user, ticket=ticket, comment=data["comment"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "return", form)


@login_required
@require_POST
def progress(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "progress")
    form = forms.ProgressForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            progress_report_add(actor=request.user, ticket=ticket, text=data["text"], attachments=data["files"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "progress", form)


@login_required
@require_POST
def change_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "change_request")
    form = forms.ChangeRequestForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            change_request_open(
                actor=request.user,
                ticket=ticket,
                kind=data["kind"],
                reason=data["reason"],
                proposed_measure=data["proposed_measure"],
                proposed_completion_date=data["proposed_completion_date"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "change_request", form)


@login_required
@require_POST
def change_decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "change_decide")
    form = forms.ChangeDecideForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            change_request_decide(
                actor=request.user,
                change=get_object_or_404(ChangeRequest, pk=data["change"], ticket=ticket),
                approve=data["approve"],
                measure=data["measure"],
                completion_date=data["completion_date"],
                note=data["note"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "change_decide", form)


@login_required
@require_POST
def report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "report")
    form = forms.ReportForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            lapsed = ticket_report(actor=request.user, ticket=ticket, result=data["result"], attachments=data["files"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            if lapsed:
                messages.info(
                    request,
                    _("Đề nghị thay đổi đang chờ quyết định đã được đóng vì không còn cần thiết: kết quả thực hiện đã được báo cáo."),
                )
            return _saved(request, ticket)
    return _not_saved(request, ticket, "report", form)


@login_required
@require_POST
def verify(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "verify")
    form = forms.VerifyForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_verify(
                actor=request.user, ticket=ticket, verification=data["verification"], note=data["note"], evidence=data["evidence"]
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "verify", form)


@login_required
@require_POST
def close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "close")
    form = forms.CloseForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_close(actor=request.user, ticket=ticket, evidence=data["evidence"], attachments=data["files"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "close", form)


@login_required
@require_POST
def delegate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = _acting_on(request, pk, "delegate")
    form = forms.DelegateForm(request.POST, request.FILES, organisation=ticket.organisation_id)
    if (data := _step_data(form, ticket)) is not None:
        try:
            ticket_delegate_set(actor=request.user, ticket=ticket, delegate=data["delegate"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            return _saved(request, ticket)
    return _not_saved(request, ticket, "delegate", form)


# The button (the <action> of corrective_actions:action) -> its view.
ACTION_VIEWS: dict[str, Callable[[AuthenticatedHttpRequest, int], HttpResponse]] = {
    "correct": correct,
    "handle": handle,
    "confirm_handling": confirm_handling,
    "return_handling": return_handling,
    "submit": submit,
    "present": present,
    "assign": assign,
    "propose": propose,
    "approve": approve,
    "return": return_proposal,
    "progress": progress,
    "change_request": change_request,
    "change_decide": change_decide,
    "report": report,
    "verify": verify,
    "close": close,
    "delegate": delegate,
}


@login_required
@require_POST
def ticket_action(request: AuthenticatedHttpRequest, pk: int, action: str) -> HttpResponse:
    view = ACTION_VIEWS.get(action)
    if view is None:
        raise Http404
    return view(request, pk)
