"""Check the signatures of any PDF: who signed, the certificate chain against the trust anchors the admin
configured (`qms.TrustAnchor`), when, whether the file was changed after signing (and how, as pyHanko's
difference analysis classifies it), PAdES B-B or B-T; and, when the file is one of ours, which record it
is and whether it is the stored copy (the apps register `register_record_lookup`)."""

from __future__ import annotations

import hashlib
import logging
import zoneinfo
from dataclasses import dataclass, field
from io import BytesIO
from typing import Any

from asn1crypto import pem, x509
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from . import outside_event_loop
from .records import Lookup, RecordMatch, lookups

log = logging.getLogger(__name__)
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class SignatureCheck:
    field_name: str
    signer: str
    chain: list[str]  # from the trust anchor down to the signer
    trusted: bool
    intact: bool
    valid: bool
    signing_time: str  # Asia/Ho_Chi_Minh, ISO 8601
    level: str  # "B-B" or "B-T"
    timestamp_time: str
    covers_whole_file: bool
    modification: str  # what changed after this signature, in words
    unchanged: bool
    error: str = ""

    @property
    def timestamped(self) -> bool:
        return self.level == "B-T"

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.unchanged and not self.error


@dataclass
class PdfCheck:
    sha256: str
    signatures: list[SignatureCheck] = field(default_factory=list)
    error: str = ""
    record: RecordMatch | None = None

    @property
    def ok(self) -> bool:
        """Every signature intact, valid, trusted and covering the whole file; and a file that is (or claims
        to be, by its signature field, or is stored as) one of our records is that record's stored copy."""
        signatures_ok = bool(self.signatures) and not self.error and all(s.ok for s in self.signatures)
        return signatures_ok and (self.record is None or self.record.is_stored_copy)


def trust_roots() -> list[x509.Certificate]:
    from qms.models import TrustAnchor

    roots = []
    for text in TrustAnchor.objects.values_list("certificate", flat=True):
        data = text.encode()
        if pem.detect(data):
            _type, _headers, data = pem.unarmor(data)
        roots.append(x509.Certificate.load(data))
    return roots


def _who(cert: x509.Certificate) -> str:
    """A certificate's subject as a reader says it: common name, then organisation."""
    native = cert.subject.native
    parts = [native.get("common_name"), native.get("organization_name")]
    return ", ".join(str(p) for p in parts if p) or cert.subject.human_friendly


def _iso(moment) -> str:
    return moment.astimezone(VN).isoformat(timespec="seconds") if moment else ""


def _modification(level: ModificationLevel | None, coverage: SignatureCoverageLevel | None) -> tuple[bool, str]:
    """(unchanged, what the reader is told). Only a signature covering the whole file is unchanged: bytes
    appended after it, even an empty incremental update, are reported."""
    if coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True, _("Không thay đổi sau khi ký (chữ ký bao trùm toàn bộ tệp).")
    if coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return False, _("Chữ ký không bao trùm trọn một phiên bản của tệp: tệp đã bị sửa hoặc hỏng.")
    kinds = {
        ModificationLevel.NONE: _("có phần ghi thêm sau khi ký nhưng không thay đổi nội dung"),
        ModificationLevel.LTA_UPDATES: _("có phần ghi thêm sau khi ký: dữ liệu kiểm tra, dấu thời gian"),
        ModificationLevel.FORM_FILLING: _("có phần ghi thêm sau khi ký: điền biểu mẫu hoặc chữ ký tiếp theo"),
        ModificationLevel.ANNOTATIONS: _("có phần ghi thêm sau khi ký: ghi chú, chú thích"),
        ModificationLevel.OTHER: _("có phần ghi thêm sau khi ký làm thay đổi nội dung"),
    }
    text = kinds.get(level, _("có phần ghi thêm sau khi ký")) if level is not None else _("có phần ghi thêm sau khi ký")
    return False, _("Tệp đã được sửa sau khi ký: %(kind)s.") % {"kind": text}


# An official form carries a handful (the signers, the văn thư, timestamps); more is not one of ours.
MAX_SIGNATURES = 20


def verify_pdf(
    data: bytes, *, roots: list[x509.Certificate] | None = None, with_record: bool = True, stored_name: str = "", user: Any = None
) -> PdfCheck:
    check = PdfCheck(sha256=hashlib.sha256(data).hexdigest())
    roots = trust_roots() if roots is None else roots
    try:
        reader = PdfFileReader(BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - any unreadable upload is a message, never a 500
        log.info("unreadable PDF: %s", exc)
        check.error = _("Không đọc được tệp PDF này.")
        embedded = []
    if len(embedded) > MAX_SIGNATURES:
        # Each check re-reads the revisions after its signature: a crafted file of thousands is quadratic work.
        check.error = _("Tệp có %(n)s chữ ký, quá %(max)s chữ ký mà trang này kiểm tra.") % {"n": len(embedded), "max": MAX_SIGNATURES}
        embedded = []
    for sig in embedded:
        name = sig.field_name or ""
        try:
            status = outside_event_loop(validate_pdf_signature, sig, ValidationContext(trust_roots=roots, allow_fetching=False))
        except Exception as exc:  # noqa: BLE001 - a damaged signature is reported, not raised
            log.info("signature %s not checkable: %s", name, exc)
            check.signatures.append(
                SignatureCheck(
                    field_name=name,
                    signer="",
                    chain=[],
                    trusted=False,
                    intact=False,
                    valid=False,
                    signing_time="",
                    level="",
                    timestamp_time="",
                    covers_whole_file=False,
                    modification="",
                    unchanged=False,
                    error=_("Không kiểm tra được chữ ký này (dữ liệu chữ ký hỏng)."),
                )
            )
            continue
        chain = [_who(c) for c in status.validation_path.iter_certs(include_root=True)] if status.validation_path else []
        unchanged, modification = _modification(status.modification_level, status.coverage)
        if not status.intact:
            unchanged, modification = False, _("Nội dung đã bị thay đổi sau khi ký: mã băm của tệp không khớp với chữ ký.")
        ts = status.timestamp_validity
        check.signatures.append(
            SignatureCheck(
                field_name=name,
                signer=_who(status.signing_cert),
                chain=chain,
                trusted=status.trusted,
                intact=status.intact,
                valid=status.valid,
                signing_time=_iso(status.signer_reported_dt),
                level="B-T" if ts is not None else "B-B",
                timestamp_time=_iso(ts.timestamp) if ts is not None else "",
                covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
                modification=modification,
                unchanged=unchanged,
            )
        )
    if not check.error and not embedded:
        check.error = _("Tệp không có chữ ký số.")
    if with_record:
        asked = Lookup(sha256=check.sha256, field_names=[s.field_name for s in check.signatures], stored_name=stored_name, user=user)
        for lookup in lookups():
            match = lookup(asked)
            if match is not None:
                check.record = match
                break
    return check
