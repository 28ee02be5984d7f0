"""Validation of uploaded evidence and attachments: a known type, checked by extension and content,
and at most settings.MAX_UPLOAD_BYTES; quotas of settings.MAX_UPLOAD_FILES_PER_REQUEST files at once and
settings.MAX_UPLOAD_BYTES_PER_RECORD bytes kept on one record."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

# extension -> magic prefixes accepted (empty tuple: plain text formats, checked for NUL bytes)
ALLOWED_TYPES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
    ".pptx": (b"PK\x03\x04",),
    ".odt": (b"PK\x03\x04",),
    ".ods": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
    ".xls": (b"\xd0\xcf\x11\xe0",),
    ".png": (b"\x89PNG",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".zip": (b"PK\x03\x04",),
    ".txt": (),
    ".csv": (),
}


def validate_upload(upload: UploadedFile) -> None:
    ext = PurePath(upload.name or "").suffix.lower()
    if ext not in ALLOWED_TYPES:
        raise ValidationError(
            _("Tệp “%(name)s” không được chấp nhận. Chỉ nhận các loại: %(types)s.")
            % {"name": upload.name, "types": ", ".join(sorted(ALLOWED_TYPES))},
            code="file_type",
        )
    size = upload.size or 0
    if size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("Tệp “%(name)s” có dung lượng %(size)s, vượt quá giới hạn %(max)s.")
            % {"name": upload.name, "size": filesizeformat(size), "max": filesizeformat(settings.MAX_UPLOAD_BYTES)},
            code="file_size",
        )
    if not size:
        raise ValidationError(_("Tệp “%(name)s” rỗng (0 byte).") % {"name": upload.name}, code="file_empty")
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    magics = ALLOWED_TYPES[ext]
    if (magics and not any(head.startswith(m) for m in magics)) or (not magics and b"\x00" in head):
        raise ValidationError(
            _("Nội dung tệp “%(name)s” không đúng với định dạng %(ext)s.") % {"name": upload.name, "ext": ext},
            code="file_content",
        )


def validate_uploads(uploads: list[UploadedFile], *, stored_bytes: int = 0) -> list[UploadedFile]:
    """Check every file and report all refusals at once, so the user fixes them in one go. `stored_bytes`:
    what the record already keeps, counted against the record's quota."""
    errors: list[str] = []
    limit = settings.MAX_UPLOAD_FILES_PER_REQUEST
    if len(uploads) > limit:
        raise ValidationError(
            _("Mỗi lần chỉ gửi được tối đa %(max)d tệp (bạn đã chọn %(n)d tệp). Hãy gửi làm nhiều lần.")
            % {"max": limit, "n": len(uploads)},
            code="file_count",
        )
    quota = settings.MAX_UPLOAD_BYTES_PER_RECORD
    total = stored_bytes + sum(upload.size or 0 for upload in uploads)
    if uploads and total > quota:
        raise ValidationError(
            _(
                "Tổng dung lượng tệp của hồ sơ này sẽ là %(total)s, vượt hạn mức %(max)s cho một hồ sơ "
                "(đã lưu %(stored)s). Hãy bớt tệp hoặc nén tệp trước khi gửi."
            )
            % {"total": filesizeformat(total), "max": filesizeformat(quota), "stored": filesizeformat(stored_bytes)},
            code="record_quota",
        )
    for upload in uploads:
        try:
            validate_upload(upload)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return uploads
