"""Evidence added to a box of the ticket outside a step (the steps attach their own files)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from qms.errors import ServiceError
from qms.messages import N_
from qms.models import User
from qms.services import audit_record

from ..models import Box, Ticket, TicketAttachment
from ..rules import may_attach
from .common import attachments_store


@transaction.atomic
def attachment_add(*, actor: User, ticket: Ticket, box: str, upload: UploadedFile, description: str = "") -> TicketAttachment:
    if not may_attach(actor, ticket):
        raise ServiceError(_("Bạn không có quyền đính kèm bằng chứng vào phiếu này."))
    if ticket.is_final:
        raise ServiceError(_("Phiếu đã đóng, không bổ sung bằng chứng được."))
    if box not in Box.values:
        raise ServiceError(_("Vui lòng chọn ô của phiếu."), field="box")
    [attachment] = attachments_store(ticket=ticket, actor=actor, box=box, uploads=[upload], description=description)
    audit_record(target=ticket, actor=actor, action=N_("Đính kèm bằng chứng (ô %(b)s)") % {"b": box}, note=attachment.original_name)
    return attachment
