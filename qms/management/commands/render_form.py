"""`python manage.py render_form <CODE> <pk> -o file.pdf`: any registered official form as a PDF
(the apps register theirs with qms.pdf.register_form in AppConfig.ready())."""

import logging
from pathlib import Path

from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qms.errors import ServiceError
from qms.pdf import REGISTRY


class Command(BaseCommand):
    help = "Render an official form (e.g. BM.HT.06.01) of one record as a PDF file."

    def add_arguments(self, parser):
        parser.add_argument("code", help="form code, e.g. BM.HT.06.01")
        parser.add_argument("pk", type=int, help="primary key of the record the form shows")
        parser.add_argument("-o", "--output", required=True, help="PDF file to write")

    def handle(self, *args, code: str, pk: int, output: str, **options):
        # WeasyPrint logs each layout step at INFO; on a terminal that buries the one line that matters.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        form = REGISTRY.get(code)
        if form is None:
            known = ", ".join(sorted(REGISTRY)) or "—"
            raise CommandError(_("Không có biểu mẫu %(code)s. Các mã biểu mẫu: %(known)s") % {"code": code, "known": known})
        try:
            data = form.render(pk)
        except ObjectDoesNotExist as exc:
            raise CommandError(_("%(code)s: không có bản ghi số %(pk)s.") % {"code": code, "pk": pk}) from exc
        except ServiceError as exc:
            raise CommandError(f"{code}: {exc.message}") from exc
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.stdout.write(f"{code} {form.title}: {path} ({len(data)} bytes)")
