"""What the PDF layout draws for a digital signature (Decree 30/2020 Phụ lục I mục II): the signer's image,
the agency's seal over its left third, and the agency's line (its name, the signing time in ISO 8601,
Vietnam time). The layout draws it; the PAdES signature in the file is what a reader checks."""

from __future__ import annotations

import base64
import datetime as dt
import zoneinfo

from django.db.models.fields.files import FieldFile

from qms.models import Organisation, SignerProfile, User

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


def iso_vn(moment: dt.datetime) -> str:
    """2026-12-01T09:30:00+07:00"""
    return moment.astimezone(VN).replace(microsecond=0).isoformat()


def data_uri(file: FieldFile | None) -> str:
    """A stored PNG inlined in the HTML (WeasyPrint fetches nothing); "" when absent or missing on disk."""
    if not file:
        return ""
    try:
        with file.open("rb") as handle:
            data = handle.read()
    except (FileNotFoundError, ValueError):
        return ""
    return "data:image/png;base64," + base64.b64encode(data).decode()


def signature_block(*, signer: User, organisation: Organisation, at: dt.datetime) -> dict[str, str]:
    profile = SignerProfile.objects.filter(user=signer).first()
    return {
        "name": signer.display_name,
        "image": data_uri(profile.signature_image if profile else None),
        "seal": data_uri(organisation.seal_image),
        "agency": organisation.name,
        "at": iso_vn(at),
    }
