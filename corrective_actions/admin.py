from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext as _

from qms.admin import AgencyScopedAdmin

from .models import ChangeRequest, ProgressReport, RetainedRecordError, Ticket, TicketAttachment, TicketStatus

CLOSED_STATES = {TicketStatus.CLOSED, TicketStatus.INEFFECTIVE}

# A ticket's evidence, progress reports and change requests can only be attached to the agency's own tickets.
TICKET_SCOPES: dict[type[models.Model], str] = {**AgencyScopedAdmin.choice_scopes, Ticket: "organisation"}


class RetainedAdminMixin:
    """QT.CTCL §7: tickets and their evidence are kept for the retention period; admin may not delete them sooner."""

    def _ticket(self, obj):
        return obj if isinstance(obj, Ticket) else obj.ticket

    def locked(self, obj) -> bool:
        """A closed ticket and everything attached to it are read-only (AuditedAdmin)."""
        return self._ticket(obj).status in CLOSED_STATES

    def delete_locked(self, obj) -> bool:
        return False  # a closed ticket may be deleted once its retention period has run out (below)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._ticket(obj).is_retained():
            return False
        return super().has_delete_permission(request, obj)

    def delete_queryset(self, request, queryset):
        retained = [o for o in queryset if self._ticket(o).is_retained()]
        if retained:
            messages.error(request, _("Không thể xóa: phiếu và bằng chứng phải được lưu đủ thời hạn quy định."))
            return
        super().delete_queryset(request, queryset)

    def delete_model(self, request, obj):
        try:
            super().delete_model(request, obj)
        except RetainedRecordError:
            messages.error(request, _("Không thể xóa: phiếu và bằng chứng phải được lưu đủ thời hạn quy định."))


# Each agency's admin sees its own agency's tickets and evidence only (AgencyScopedAdmin); the provincial
# admin sees all.
class AttachmentInline(admin.TabularInline):
    model = TicketAttachment
    extra = 0
    can_delete = False
    readonly_fields = ["box", "file", "original_name", "size", "uploaded_by", "uploaded_at"]


@admin.register(Ticket)
class TicketAdmin(RetainedAdminMixin, AgencyScopedAdmin):
    list_display = ["number_display", "year", "unit", "kind", "source", "status", "completion_date"]
    list_filter = ["status", "kind", "source", "year", "unit"]
    search_fields = ["description", "process", "clause"]
    readonly_fields = ["organisation", "number", "year", "status", "version", "predecessor"]
    inlines = [AttachmentInline]


@admin.register(TicketAttachment)
class TicketAttachmentAdmin(RetainedAdminMixin, AgencyScopedAdmin):
    organisation_path = "ticket__organisation"
    choice_scopes = TICKET_SCOPES

    list_display = ["original_name", "ticket", "box", "uploaded_at"]


@admin.register(ProgressReport)
class ProgressReportAdmin(RetainedAdminMixin, AgencyScopedAdmin):
    organisation_path = "ticket__organisation"
    choice_scopes = TICKET_SCOPES

    list_display = ["__str__", "author", "reported_at"]


@admin.register(ChangeRequest)
class ChangeRequestAdmin(RetainedAdminMixin, AgencyScopedAdmin):
    organisation_path = "ticket__organisation"
    choice_scopes = TICKET_SCOPES

    list_display = ["__str__", "status", "requested_at"]
