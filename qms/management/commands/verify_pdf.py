"""`manage.py verify_pdf FILE`: the check of the verification page, on the command line. Exit status 0
when every signature is intact, valid, trusted and covers the whole file; 1 otherwise."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qms.signing.verify import verify_pdf


class Command(BaseCommand):
    help = "Kiểm tra chữ ký số trong một tệp PDF."

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không tìm thấy tệp: %(path)s") % {"path": path})
        # A stored file (under MEDIA_ROOT) is also checked against the record it is stored for.
        media = Path(settings.MEDIA_ROOT).resolve()
        resolved = path.resolve()
        stored_name = str(resolved.relative_to(media)) if resolved.is_relative_to(media) else ""
        check = verify_pdf(path.read_bytes(), stored_name=stored_name)
        w = self.stdout.write
        w(f"SHA-256: {check.sha256}")
        if check.error:
            w(check.error)
        for n, sig in enumerate(check.signatures, 1):
            w(_("Chữ ký %(n)s (%(field)s):") % {"n": n, "field": sig.field_name})
            if sig.error:
                w(f"  {sig.error}")
                continue
            w(_("  Người ký: %(signer)s") % {"signer": sig.signer})
            w(_("  Chuỗi chứng thư: %(chain)s") % {"chain": " → ".join(sig.chain) or _("không dựng được tới chứng thư gốc tin cậy")})
            w(_("  Tin cậy: %(yes)s") % {"yes": _("có") if sig.trusted else _("không")})
            w(_("  Thời điểm ký: %(at)s") % {"at": sig.signing_time})
            w(_("  Mức PAdES: %(level)s") % {"level": sig.level} + (f" ({sig.timestamp_time})" if sig.timestamp_time else ""))
            w(_("  Nguyên vẹn: %(yes)s") % {"yes": _("có") if sig.intact and sig.valid else _("không")})
            w(f"  {sig.modification}")
        if check.record is not None:
            copy = _("bản lưu") if check.record.is_stored_copy else _("KHÔNG phải bản lưu")
            w(_("Hồ sơ: %(label)s — %(copy)s") % {"label": check.record.label, "copy": copy})
            if check.record.note:
                w(check.record.note)
        w(_("Kết quả: HỢP LỆ") if check.ok else _("Kết quả: KHÔNG HỢP LỆ"))
        if not check.ok:
            sys.exit(1)
