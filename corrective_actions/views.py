from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qms.errors import ServiceError
from qms.services import audit_trail

from . import forms as f
from . import services as s
from .exports import tickets_xlsx
from .filters import TicketFilter
from .models import TICKET_TRANSITIONS, Box, ChangeRequest, Ticket, TicketAttachment, TicketStatus
from .pdf import ticket_pdf_bytes

Run = Callable[[Any, Ticket, dict], object]
# action -> (form, the service call). Who may take it is ACTION_ACTORS in models.py.
ACTIONS: dict[str, tuple[type[f._Form], Run]] = {
    "correct": (f.CorrectForm, lambda u, t, d: s.ticket_correct(actor=u, ticket=t, **d)),
    "submit": (f.NoteForm, lambda u, t, d: s.ticket_submit(actor=u, ticket=t, **d)),
    "present": (f.NoteForm, lambda u, t, d: s.ticket_present(actor=u, ticket=t, **d)),
    "assign": (f.AssignForm, lambda u, t, d: s.ticket_assign(actor=u, ticket=t, **d)),
    "propose": (f.ProposeForm, lambda u, t, d: s.ticket_propose(actor=u, ticket=t, **d)),
    "approve": (f.ApproveForm, lambda u, t, d: s.ticket_approve(actor=u, ticket=t, **d)),
    "return": (f.ReturnForm, lambda u, t, d: s.ticket_return(actor=u, ticket=t, **d)),
    "progress": (f.ProgressForm, lambda u, t, d: s.progress_report_add(actor=u, ticket=t, text=d["text"], attachments=d["files"])),
    "change_request": (f.ChangeRequestForm, lambda u, t, d: s.change_request_open(actor=u, ticket=t, **d)),
    "change_decide": (
        f.ChangeDecideForm,
        lambda u, t, d: s.change_request_decide(actor=u, change=get_object_or_404(ChangeRequest, pk=d.pop("change"), ticket=t), **d),
    ),
    "report": (f.ReportForm, lambda u, t, d: s.ticket_report(actor=u, ticket=t, result=d["result"], attachments=d["files"])),
    "verify": (f.VerifyForm, lambda u, t, d: s.ticket_verify(actor=u, ticket=t, **d)),
    "close": (f.CloseForm, lambda u, t, d: s.ticket_close(actor=u, ticket=t, evidence=d["evidence"], attachments=d["files"])),
    "delegate": (f.DelegateForm, lambda u, t, d: s.ticket_delegate_set(actor=u, ticket=t, **d)),
}


ACTION_TITLES = {
    "correct": _l("Xử lý trực tiếp (làm lại, sửa chữa, chấp nhận, loại bỏ)"),
    "submit": _l("Cần HĐKP/cải tiến: gửi Thư ký ISO"),
    "present": _l("Tổng hợp, trình Lãnh đạo Ban ISO"),
    "assign": _l("Phân công thực hiện"),
    "propose": _l("Phân tích nguyên nhân, đề xuất biện pháp"),
    "approve": _l("Phê duyệt biện pháp"),
    "return": _l("Trả lại đề xuất"),
    "progress": _l("Báo cáo tiến độ tháng"),
    "change_request": _l("Đề nghị bổ sung nguồn lực / thay đổi biện pháp"),
    "change_decide": _l("Quyết định đề nghị thay đổi"),
    "report": _l("Báo cáo kết quả thực hiện"),
    "verify": _l("Kiểm tra xác nhận"),
    "close": _l("Đóng phiếu"),
    "delegate": _l("Ủy quyền kiểm tra xác nhận"),
}


def _visible(request: HttpRequest, pk: int) -> Ticket:
    return get_object_or_404(Ticket.objects.visible_to(request.user), pk=pk)


def _list_queryset(request: HttpRequest) -> TicketFilter:
    qs = Ticket.objects.visible_to(request.user).select_related(
        "unit", "requesting_unit", "implementing_unit", "requester", "assignee", "predecessor"
    )
    return TicketFilter(request.GET or None, queryset=qs, request=request)


@login_required
@require_GET
def ticket_list(request: HttpRequest) -> HttpResponse:
    filterset = _list_queryset(request)
    page = Paginator(filterset.qs, 25).get_page(request.GET.get("page"))
    can_export = request.user.has_perm("corrective_actions.export_tickets")
    return render(request, "corrective_actions/list.html", {"filter": filterset, "page": page, "can_export": can_export})


@login_required
@require_GET
def ticket_export(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("corrective_actions.export_tickets"):
        raise PermissionDenied
    response = HttpResponse(
        tickets_xlsx(_list_queryset(request).qs),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = 'attachment; filename="phieu-hdkp.xlsx"'
    return response


@login_required
@require_GET
def my_work(request: HttpRequest) -> HttpResponse:
    tickets = Ticket.objects.awaiting(request.user).select_related("unit", "assignee", "requester")
    mine = (
        Ticket.objects.filter(requester=request.user)
        .exclude(status__in=[TicketStatus.CORRECTED, TicketStatus.CLOSED, TicketStatus.INEFFECTIVE])
        .select_related("unit", "assignee")
    )
    return render(request, "corrective_actions/my_work.html", {"awaiting": tickets.order_by("completion_date", "pk"), "mine": mine})


@login_required
@require_http_methods(["GET", "POST"])
def ticket_create(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("corrective_actions.open_ticket"):
        raise PermissionDenied
    from qms.services import local_today

    initial = {"requesting_unit": request.user.unit, "unit": request.user.unit, "description_date": local_today(), "kind": "corrective"}
    form = f.TicketOpenForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = s.ticket_open(actor=request.user, attachments=data.pop("files"), **data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã mở phiếu số %(n)s.") % {"n": ticket.number_display})
            return redirect(ticket)
    return render(request, "corrective_actions/form.html", {"form": form})


def _available_actions(user, ticket: Ticket) -> list[str]:
    in_state = {action for (frm, _to), (action, _who) in TICKET_TRANSITIONS.items() if frm == ticket.status}
    if ticket.status == TicketStatus.IN_PROGRESS:
        in_state |= {"progress", "change_request"}
        if any(c.status == ChangeRequest.Status.PENDING for c in ticket.change_requests.all()):
            in_state.add("change_decide")
            in_state.discard("change_request")
    if not ticket.is_final:
        in_state.add("delegate")
    return [a for a in ACTIONS if a in in_state and s.can_act(user, ticket, a)]


def _chain(ticket: Ticket) -> list[Ticket]:
    root, seen = ticket, {ticket.pk}
    while root.predecessor_id and root.predecessor_id not in seen:
        root = Ticket.objects.select_related("predecessor").get(pk=root.predecessor_id)
        seen.add(root.pk)
    chain, frontier = [root], [root]
    while frontier:
        frontier = list(Ticket.objects.filter(predecessor__in=frontier).order_by("pk"))
        chain.extend(frontier)
    return chain if len(chain) > 1 else []


def _detail(
    request: HttpRequest, ticket: Ticket, bound: dict | None = None, status: int = 200, attachment_form: f.AttachmentForm | None = None
) -> HttpResponse:
    user = request.user
    actions = _available_actions(user, ticket)
    forms_ = {a: (bound or {}).get(a) or ACTIONS[a][0](initial={"version": ticket.version}) for a in actions}
    # A refused move keeps its form, with the reason and the user's text, even when the ticket has moved on meanwhile.
    for a, form in (bound or {}).items():
        forms_.setdefault(a, form)
    if "assign" in forms_ and not (bound or {}).get("assign"):
        forms_["assign"] = f.AssignForm(
            initial={"version": ticket.version, "implementing_unit": ticket.unit_id, "delegate": ticket.delegate_id}
        )
    pending = next((c for c in ticket.change_requests.all() if c.status == ChangeRequest.Status.PENDING), None)
    if "change_decide" in forms_ and pending and not (bound or {}).get("change_decide"):
        forms_["change_decide"] = f.ChangeDecideForm(initial={"change": pending.pk, "version": ticket.version, "approve": "1"})
    what, who, by = s.next_step(ticket)
    attachments = list(ticket.attachments.select_related("uploaded_by"))
    context = {
        "ticket": ticket,
        "action_forms": [(a, ACTION_TITLES[a], form) for a, form in forms_.items()],
        "next_what": what,
        "next_who": who,
        "next_by": by,
        "attachments": {b: [a for a in attachments if a.box == b] for b in Box.values},
        "attachment_form": (attachment_form or f.AttachmentForm()) if s.may_attach(user, ticket) and not ticket.is_final else None,
        "progress_reports": ticket.progress_reports.select_related("author"),
        "missed_progress": s.missed_progress_dates(ticket),
        "change_requests": ticket.change_requests.select_related("requested_by", "decided_by"),
        "pending_change": pending,
        "chain": _chain(ticket),
        "audit_entries": audit_trail(ticket),
    }
    return render(request, "corrective_actions/detail.html", context, status=status)


@login_required
@require_GET
def ticket_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, _visible(request, pk))


@login_required
@require_POST
def ticket_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    if action not in ACTIONS:
        raise Http404
    ticket = _visible(request, pk)
    if not s.can_act(request.user, ticket, action):
        raise PermissionDenied
    form_class, run = ACTIONS[action]
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        try:
            if version is not None and version != ticket.version:
                raise ServiceError(_("Phiếu vừa được người khác thay đổi. Vui lòng tải lại trang và thử lại."))
            run(request.user, ticket, data)
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect(ticket)
    messages.error(request, _("Chưa lưu được: vui lòng xem lỗi bên dưới."))
    return _detail(request, ticket, bound={action: form})


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible(request, pk)
    if not s.may_attach(request.user, ticket):
        raise PermissionDenied
    form = f.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            s.attachment_add(
                actor=request.user,
                ticket=ticket,
                box=form.cleaned_data["box"],
                upload=form.cleaned_data["file"],
                description=form.cleaned_data["description"],
            )
        except ServiceError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Đã đính kèm bằng chứng."))
            return redirect(ticket)
    messages.error(request, "; ".join(e for errs in form.errors.values() for e in errs))
    return _detail(request, ticket, attachment_form=form)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = get_object_or_404(TicketAttachment.objects.filter(ticket__in=Ticket.objects.visible_to(request.user)), pk=pk)
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name)


@login_required
@require_GET
def ticket_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    ticket = _visible(request, pk)
    response = HttpResponse(ticket_pdf_bytes(ticket.pk), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="BM.CTCL.01-{ticket.number:02d}-{ticket.year}.pdf"'
    return response
