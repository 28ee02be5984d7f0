from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, CalendarException, DocumentCounter, Notification, Organisation, Unit, User


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "parent_name", "place_name", "minutes_form"]

    def has_add_permission(self, request):
        return not Organisation.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name", "code"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "unit", "job_title", "email", "is_active"]
    list_filter = ["unit", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["unit"]
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Cơ quan"), {"fields": ("full_name", "job_title", "unit")}))
    add_fieldsets = (*BaseUserAdmin.add_fieldsets, (_("Cơ quan"), {"fields": ("full_name", "email", "job_title", "unit")}))


@admin.register(CalendarException)
class CalendarExceptionAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "note"]
    list_filter = ["kind"]
    date_hierarchy = "date"


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "content_type", "object_id", "actor", "action", "from_state", "to_state"]
    list_filter = ["content_type"]
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the audit trail is evidence: nobody edits or removes it


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the product writes itself: admins read them, never edit them (an edited counter would
    give a document number twice; an edited notification would change what was sent)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "recipient", "subject", "read_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "recipient__username", "recipient__full_name"]


@admin.register(DocumentCounter)
class DocumentCounterAdmin(ReadOnlyAdmin):
    list_display = ["series", "year", "last_number"]
    list_filter = ["series", "year"]


admin.site.site_header = _("Quản trị HTQLCL ISO 9001")
