"""What an uploaded certificate PDF is worth against the register (码上看 by file).

The file is first checked as evidence is (``applications.evidence.inspect_upload``: a real PDF, no
scripts, attachments or hidden archives, at most ``CERTIFICATE_CHECK_MAX_BYTES``), then:

- **valid** / **revoked**: its SHA-256 is that of a certificate as the portal issued and stored it
  (signed, so the bytes are the bureau's); the register says whether it still holds, and since when and
  in which category it was revoked.
- **altered**: it carries the bureau's signature but is not such a file: a byte changed (the signature
  is broken), or something was added after signing; or it begins with an issued certificate and goes
  on (whatever was appended).
- **unknown**: neither: no signature of ours, or a signed document that is not a certificate.

Only a file whose bytes are the issued certificate shows the register's facts: a crafted file naming a
certificate number learns nothing about its holder.
"""

import hashlib
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.evidence import inspect_upload
from results.models import Certificate
from zaozhuang_titles.signing import SignatureReport, validate_pdf

#: How many end-of-file markers are tried as the end of an issued certificate followed by more.
MAX_PREFIXES = 10


class Verdict(models.TextChoices):
    VALID = "valid", _("Valid")
    REVOKED = "revoked", _("Revoked")
    ALTERED = "altered", _("Altered")
    UNKNOWN = "unknown", _("Unknown")


@dataclass(frozen=True)
class UploadCheck:
    verdict: str
    certificate: Certificate | None
    signature: SignatureReport


def _read(uploaded_file):
    uploaded_file.seek(0)
    return b"".join(uploaded_file.chunks())


def _issued_prefixes(data):
    """SHA-256 of each way ``data`` may begin with a whole PDF (up to one of its first end-of-file
    markers, with or without the line break after it)."""
    digests = []
    for match in list(re.finditer(rb"%%EOF", data))[:MAX_PREFIXES]:
        for end in (match.end(), match.end() + 1, match.end() + 2):
            if end < len(data):
                digests.append(hashlib.sha256(data[:end]).hexdigest())
    return digests


def certificate_check_upload(uploaded_file):
    """The verdict on an uploaded file, or ValidationError saying why it cannot be checked."""
    inspected = inspect_upload(uploaded_file, max_bytes=settings.CERTIFICATE_CHECK_MAX_BYTES)
    if inspected.content_type != "application/pdf":
        raise ValidationError(
            _("%(name)s is an image; upload the certificate's PDF file as it was downloaded from the portal.")
            % {"name": inspected.original_name},
            code="not_pdf",
        )
    data = _read(uploaded_file)
    signature = validate_pdf(data)
    certificate = Certificate.objects.filter(pdf_sha256=inspected.sha256).first()
    if certificate is not None:
        verdict = Verdict.REVOKED if certificate.revoked_at else Verdict.VALID
        return UploadCheck(verdict=verdict, certificate=certificate, signature=signature)
    if signature.ours and not (signature.intact and signature.whole_file):
        return UploadCheck(verdict=Verdict.ALTERED, certificate=None, signature=signature)
    if Certificate.objects.filter(pdf_sha256__in=_issued_prefixes(data)).exists():
        # An issued certificate with something after it that even breaks the reading of its signature.
        return UploadCheck(verdict=Verdict.ALTERED, certificate=None, signature=signature)
    return UploadCheck(verdict=Verdict.UNKNOWN, certificate=None, signature=signature)
