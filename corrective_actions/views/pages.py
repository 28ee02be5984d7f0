"""The ticket pages: the list and its export, "my work", the opening form, the ticket page with the
form of each of the user's buttons (their posts go to steps.py), evidence and the printed form."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.errors import ServiceError
from qms.http import AuthenticatedHttpRequest, file_download
from qms.pdf_cache import pdf_download
from qms.services import audit_trail, local_today
from qms.tenancy import is_overseer
from risks.models import Risk

from .. import exports, forms
from ..exports import tickets_xlsx
from ..filters import TicketFilter
from ..models import (
    FINAL_STATES,
    HANDLING_RECORD_FIELDS,
    UNREPORTED_VERIFICATIONS,
    Box,
    ChangeRequest,
    ChangeRequestStatus,
    Kind,
    Ticket,
    TicketAttachment,
    TicketStatus,
)
from ..rules import may_attach, ticket_actions
from ..selectors import missed_progress_dates, next_step, ticket_chain
from ..services import attachment_add, ticket_open, tickets_present
from ..services.intake import signs_initial


def visible_ticket(request: AuthenticatedHttpRequest, pk: int) -> Ticket:
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)


def refusal_show(form: forms.StepForm | forms.TicketOpenForm | forms.AttachmentForm | forms.PresentBatchForm, exc: ServiceError) -> None:
    """Show a service's refusal on the form: on its field when the form has one, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


_LIST_RELATED = ("organisation", "unit", "requesting_unit", "implementing_unit", "requester", "assignee", "predecessor")


def list_queryset(request: AuthenticatedHttpRequest) -> QuerySet[Ticket]:
    """The tickets the list shows for this request's filter (also what a worker exports for it)."""
    return _list_filter(request).qs


def _list_filter(request: AuthenticatedHttpRequest) -> TicketFilter:
    tickets = Ticket.objects.visible_to(request.user).select_related(*_LIST_RELATED)
    return TicketFilter(request.GET or None, queryset=tickets, request=request)


def _ticket_page(tickets: QuerySet[Ticket], number: str | None) -> Page[Ticket]:
    """One page of 25 tickets in two queries: the page's primary keys alone (filtered and ordered on the
    ticket table), then those 25 tickets with their joined units, people and agency. Asking for the page
    with its joins in one query let PostgreSQL join every matching ticket before its top-N sort whenever its
    row estimate was off (20,000 tickets just written and not yet analysed: 614 ms instead of a few)."""
    keys = Paginator(tickets.values_list("pk", flat=True), 25).get_page(number)
    ids = list(keys.object_list)
    # By primary key alone: the filters were applied to choose the keys (a text search repeated here could
    # lead the planner away from the primary key's index).
    rows = {ticket.pk: ticket for ticket in Ticket.objects.select_related(*_LIST_RELATED).filter(pk__in=ids).order_by()}
    # The same page (number, count, links) of the keys' paginator, holding the tickets themselves.
    return Page([rows[pk] for pk in ids], keys.number, cast("Paginator[Ticket]", keys.paginator))


@login_required
@require_GET
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    filterset = _list_filter(request)
    page = _ticket_page(filterset.qs, request.GET.get("page"))
    can_export = request.user.has_role_perm("corrective_actions.export_tickets")
    can_present = request.user.has_role_perm("corrective_actions.consolidate_ticket") and request.user.organisation_id is not None
    context = {
        "filter": filterset,
        "page": page,
        "can_export": can_export,
        "can_present": can_present,
        "overseer": is_overseer(request.user),
    }
    return render(request, "corrective_actions/list.html", context)


@login_required
@require_GET
def ticket_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role_perm("corrective_actions.export_tickets"):
        raise PermissionDenied
    tickets = list_queryset(request)
    total = tickets.count()
    if total <= exports.sync_limit():
        return _xlsx_response(tickets_xlsx(tickets))
    # A long list is written by a worker: this page shows how far it got and reloads itself.
    params = {field: request.GET.getlist(field) for field in request.GET if field != "retry"}
    key = exports.export_key(user_id=request.user.pk, params=params, tickets=tickets)
    state = exports.export_request(user_id=request.user.pk, params=params, key=key, total=total, retry=request.GET.get("retry") == "1")
    if state.status == exports.READY:
        with default_storage.open(state.name, "rb") as handle:
            return _xlsx_response(handle.read())
    query = request.GET.copy()
    query.pop("retry", None)
    context = {
        "pending": state.status == exports.PENDING,
        "done": state.done,
        "total": state.total or total,
        "refresh_seconds": 2,
        "url": f"{request.path}?{query.urlencode()}" if query else request.path,
        "retry_url": f"{request.path}?{query.urlencode() + '&' if query else ''}retry=1",
    }
    response = render(request, "corrective_actions/export_status.html", context, status=202 if context["pending"] else 200)
    response["Cache-Control"] = "private, no-store"
    return response


def _xlsx_response(data: bytes) -> HttpResponse:
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="phieu-hdkp.xlsx"'
    return response


@login_required
@require_GET
def my_work(request: AuthenticatedHttpRequest) -> HttpResponse:
    awaiting = Ticket.objects.awaiting(request.user).select_related("unit", "assignee", "requester")
    mine = (
        Ticket.objects.of(request.user.organisation_id)
        .filter(requester=request.user)
        .exclude(status__in=FINAL_STATES)
        .select_related("unit", "assignee")
    )
    # Both lists paginated (issue 15: a committee head may have well over a thousand tickets waiting).
    awaiting_page = Paginator(awaiting.order_by("completion_date", "pk"), 25).get_page(request.GET.get("page"))
    mine_page = Paginator(mine.order_by("-year", "-number", "-pk"), 25).get_page(request.GET.get("mine_page"))
    return render(request, "corrective_actions/my_work.html", {"awaiting": awaiting_page, "mine": mine_page})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not request.user.has_role_perm("corrective_actions.open_ticket"):
        raise PermissionDenied
    initial: dict[str, object] = {
        "requesting_unit": request.user.unit,
        "unit": request.user.unit,
        "description_date": local_today(),
        "kind": Kind.CORRECTIVE,
    }
    if request.GET.get("risk", "").isdigit():  # "Mở phiếu HĐKP" on a risk row's page
        initial["risk"] = int(request.GET["risk"])
    form = forms.TicketOpenForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        organisation=request.user.organisation_id,
        risks=Risk.objects.visible_to(request.user),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = ticket_open(
                actor=request.user,
                requesting_unit=data["requesting_unit"],
                unit=data["unit"],
                kind=data["kind"],
                source=data["source"],
                source_other=data["source_other"],
                related_documents=data["related_documents"],
                process=data["process"],
                clause=data["clause"],
                description=data["description"],
                description_date=data["description_date"],
                attachments=data["files"],
                risk=data["risk"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            messages.success(request, _("Đã mở phiếu số %(n)s.") % {"n": ticket.number_display})
            return redirect(ticket)
    return render(request, "corrective_actions/form.html", {"form": form})


def _blank_form(action: str, ticket: Ticket, pending: ChangeRequest | None, user_pk: int | None = None) -> forms.StepForm:
    org = ticket.organisation_id
    if action == "assign":
        initial = {"version": ticket.version, "implementing_unit": ticket.unit_id, "delegate": ticket.delegate_id}
        return forms.AssignForm(initial=initial, organisation=org)
    if action == "correct":
        # the head checks the result unless they name another person
        return forms.CorrectForm(initial={"version": ticket.version, "checker": user_pk}, organisation=org)
    if action == "handle":
        handle_form = forms.HandleForm(initial={"version": ticket.version}, organisation=org)
        for name in ("redo_reference", "repair_scope", "discard_method"):
            if name not in HANDLING_RECORD_FIELDS.get(ticket.correction_kind, ()):
                del handle_form.fields[name]  # only the handling chosen's own fields
        return handle_form
    if action == "submit":
        return forms.SubmitForm(initial={"version": ticket.version, "signs": signs_initial(ticket)}, organisation=org)
    if action == "approve":
        initial = {"version": ticket.version, "implementing_unit": ticket.implementing_unit_id, "assignee": ticket.assignee_id}
        return forms.ApproveForm(initial=initial, organisation=org)
    if action == "verify" and ticket.status != TicketStatus.REPORTED:
        # 5.6/5.7 checked at the completion date with no result reported: never carried out, or not fully.
        verify_form = forms.VerifyForm(initial={"version": ticket.version}, organisation=org)
        verify_form.fields["verification"].choices = [(v.value, v.label) for v in UNREPORTED_VERIFICATIONS]  # type: ignore[attr-defined]
        return verify_form
    if action == "change_decide" and pending is not None:
        return forms.ChangeDecideForm(initial={"change": pending.pk, "version": ticket.version, "approve": "1"}, organisation=org)
    form = forms.ACTION_FORMS[action](initial={"version": ticket.version}, organisation=org)
    if action == "report" and pending is not None:
        # Said before the click: reporting closes the pending change request (services.ticket_report).
        form.fields["result"].help_text = _(
            "Đang có đề nghị thay đổi chờ quyết định: báo cáo kết quả sẽ đóng đề nghị đó vì không còn cần thiết."
        )
    return form


def ticket_page(
    request: AuthenticatedHttpRequest,
    ticket: Ticket,
    *,
    refused: tuple[str, forms.StepForm] | None = None,
    attachment_form: forms.AttachmentForm | None = None,
) -> HttpResponse:
    """The ticket page with a form for each of the user's actions (rules.ticket_actions). A refused step
    keeps its form, with the reason and the user's text, even when the ticket has moved on meanwhile."""
    user = request.user
    pending = next((change for change in ticket.change_requests.all() if change.status == ChangeRequestStatus.PENDING), None)
    action_forms = {action: _blank_form(action, ticket, pending, user.pk) for action in ticket_actions(user, ticket)}
    if refused is not None:
        action, form = refused
        action_forms[action] = form
    what, who, by = next_step(ticket)
    chain = ticket_chain(ticket)
    # A linked ticket the user may open is a link; any other is named, "phiếu số …", without a dead link.
    linked_ids = {t.pk for t in chain} | ({ticket.predecessor_id} if ticket.predecessor_id else set())
    linked_visible = set(Ticket.objects.visible_to(user).filter(pk__in=linked_ids).values_list("pk", flat=True)) if linked_ids else set()
    attachments = list(ticket.attachments.select_related("uploaded_by"))
    context = {
        "ticket": ticket,
        "action_forms": [(action, forms.ACTION_TITLES[action], form) for action, form in action_forms.items()],
        "next_what": what,
        "next_who": who,
        "next_by": by,
        "attachments": {box: [a for a in attachments if a.box == box] for box in Box.values},
        "attachment_form": (attachment_form or forms.AttachmentForm()) if may_attach(user, ticket) and not ticket.is_final else None,
        "progress_reports": ticket.progress_reports.select_related("author"),
        "missed_progress": missed_progress_dates(ticket),
        "change_requests": ticket.change_requests.select_related("requested_by", "decided_by"),
        "pending_change": pending,
        "chain": chain,
        "linked_visible": linked_visible,
        "audit_entries": audit_trail(ticket),
    }
    return render(request, "corrective_actions/detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def present_batch(request: AuthenticatedHttpRequest) -> HttpResponse:
    """5.3: the secretary presents several submitted tickets at once, with one presentation note."""
    if not request.user.has_role_perm("corrective_actions.consolidate_ticket") or request.user.organisation_id is None:
        raise PermissionDenied
    waiting = (
        Ticket.objects.visible_to(request.user)
        .of(request.user.organisation_id)
        .filter(status=TicketStatus.SUBMITTED)
        .select_related("unit")
        .order_by("year", "number")
    )
    form = forms.PresentBatchForm(request.POST or None, queryset=waiting)
    if request.method == "POST" and form.is_valid():
        tickets = list(form.cleaned_data["tickets"])
        try:
            tickets_present(actor=request.user, tickets=tickets, note=form.cleaned_data["note"])
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            messages.success(request, _("Đã trình %(k)d phiếu cho Lãnh đạo Ban ISO.") % {"k": len(tickets)})
            return redirect("corrective_actions:list")
    return render(request, "corrective_actions/present.html", {"form": form, "waiting": waiting})


@login_required
@require_GET
def ticket_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return ticket_page(request, visible_ticket(request, pk))


# --- evidence and the printed form ---------------------------------------------------------------------


@login_required
@require_POST
def attachment_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    ticket = visible_ticket(request, pk)
    if not may_attach(request.user, ticket):
        raise PermissionDenied
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_add(
                actor=request.user,
                ticket=ticket,
                box=form.cleaned_data["box"],
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ServiceError as exc:
            refusal_show(form, exc)
        else:
            messages.success(request, _("Đã đính kèm bằng chứng."))
            return redirect(ticket)
    messages.error(request, "; ".join(str(error) for errors in form.errors.values() for error in errors))
    return ticket_page(request, ticket, attachment_form=form)


@login_required
@require_GET
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    attachment = get_object_or_404(TicketAttachment.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk)
    return file_download(request, attachment.file, filename=attachment.original_name)


@login_required
@require_GET
def ticket_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    ticket = visible_ticket(request, pk)
    # Laid out by the worker (qms.pdf_cache): the PDF when it is ready, else a page that waits for it.
    filename = f"BM.CTCL.01-{ticket.number:02d}-{ticket.year}.pdf"
    return pdf_download(request, code="BM.CTCL.01", pk=ticket.pk, filename=filename, as_attachment=False)
