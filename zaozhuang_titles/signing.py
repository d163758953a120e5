"""PDF signatures (PAdES baseline B, with pyHanko) of the documents that must prove themselves without the
portal: certificates, nomination letters, meeting records.

The signing key and its certificate come from a PKCS#12 file: ``DOCUMENT_SIGNING_P12`` (its path) and
``DOCUMENT_SIGNING_PASSWORD`` (its password; empty for an unencrypted file). A bureau installs the
certificate its CA gave it there; for the demo and the tests ``manage.py signing_demo_ca`` makes a CA of
its own and a signing certificate (``demo_ca_write``). The CA certificates in the PKCS#12 file are
embedded in every signature and are the trust roots the portal validates uploads against.

A signed PDF is validated offline by any PDF reader (which trusts the signer when its CA is in the
reader's list) and by ``pyhanko sign validate --trust ca.pem file.pdf``; any change to its bytes breaks
the signature (``validate_pdf`` says ``intact=False``), and an update appended after it shows as a
modification outside the signature's coverage.
"""

import asyncio
import concurrent.futures
import datetime
import io
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

#: Names of the files ``demo_ca_write`` writes.
DEMO_P12_NAME = "demo-signer.p12"
DEMO_CA_NAME = "demo-ca.pem"
#: The signature field every document carries.
FIELD_NAME = "PortalSignature"

_lock = threading.Lock()
_signers = {}


def _signer_class(signers):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from pyhanko.sign.general import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses its private key again for every signature (75 ms for RSA-2048,
        which cryptography checks on each load); this one parses it once. Other mechanisms than RSA
        PKCS#1 v1.5 go the usual way."""

        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            if mechanism != "rsassa_pkcs1v15":
                return super().sign_raw(data, digest_algorithm)
            key = getattr(self, "_kept_key", None)
            if key is None:
                key = self._kept_key = serialization.load_der_private_key(self.signing_key.dump(), password=None)
            assert isinstance(key, RSAPrivateKey)
            return key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))

    return KeptKeySigner


def _bytes_reserved(own):
    """Room for the signature container, so that pyHanko need not sign twice to measure it: the embedded
    certificates, the signature value and the signed attributes, with a margin. pyHanko writes the room
    as hex digits and wants an even count; certificates' DER lengths are odd or even by chance (a serial
    number's leading byte), so the sum is rounded up."""
    certificates = [own.signing_cert, *own.cert_registry]
    reserved = sum(len(cert.dump()) for cert in certificates) + 2 * 1024 + 4096
    return reserved + reserved % 2


def _outside_event_loop(function, *args, **kwargs):
    """Call ``function``, which runs ``asyncio.run`` inside (pyHanko's synchronous API does), from a
    thread of its own when this thread already runs an event loop (an async caller, a browser test)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


def p12_path():
    return Path(settings.DOCUMENT_SIGNING_P12) if settings.DOCUMENT_SIGNING_P12 else None


def _password():
    password = settings.DOCUMENT_SIGNING_PASSWORD
    return password.encode() if password else None


def signer():
    """The pyHanko signer of the configured PKCS#12 file, loaded once per file (and again when it changes)."""
    from pyhanko.sign import signers

    path = p12_path()
    if path is None:
        raise ImproperlyConfigured(
            "DOCUMENT_SIGNING_P12 is not set: documents cannot be signed. Point it at the bureau's PKCS#12 "
            "file (and DOCUMENT_SIGNING_PASSWORD at its password), or run `manage.py signing_demo_ca` for a demo."
        )
    if not path.is_file():
        raise ImproperlyConfigured(
            f"DOCUMENT_SIGNING_P12={str(path)!r} does not exist. Install the bureau's PKCS#12 file there, or run "
            "`manage.py signing_demo_ca` to make a demo CA and signing certificate."
        )
    key = (str(path), path.stat().st_mtime_ns, settings.DOCUMENT_SIGNING_PASSWORD)
    with _lock:
        if key not in _signers:
            try:
                loaded = signers.SimpleSigner.load_pkcs12(str(path), passphrase=_password())
            except (ValueError, TypeError) as error:
                loaded, detail = None, error
            else:
                detail = "no key or certificate in it"
            if loaded is None:
                raise ImproperlyConfigured(
                    f"DOCUMENT_SIGNING_P12={str(path)!r} cannot be read with DOCUMENT_SIGNING_PASSWORD ({detail})."
                )
            _signers.clear()
            _signers[key] = _signer_class(signers)(
                signing_key=loaded.signing_key, signing_cert=loaded.signing_cert, cert_registry=loaded.cert_registry
            )
        return _signers[key]


def signing_certificate():
    return signer().signing_cert


def trust_roots():
    """The certificates uploads are validated against: the CA certificates of the PKCS#12 file, or the
    signing certificate itself when the file holds no CA."""
    own = signer()
    cas = [cert for cert in own.cert_registry if cert.subject != own.signing_cert.subject]
    return cas or [own.signing_cert]


def sign_pdf(data, *, reason, location="枣庄市"):
    """``data`` (an unsigned PDF) signed with the bureau's key: PAdES (ETSI.CAdES.detached), SHA-256,
    certifying the document so that a reader flags any later change."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        md_algorithm="sha256",
        reason=str(reason),
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    own = signer()
    output = _outside_event_loop(
        signers.PdfSigner(metadata, signer=own).sign_pdf, writer, bytes_reserved=_bytes_reserved(own)
    )
    return output.getvalue()


@dataclass(frozen=True)
class SignatureReport:
    """What a PDF's signature says. ``signed``: it has one; ``ours``: made with our signing certificate
    (whether or not it still holds); ``intact``: the signed bytes are unchanged; ``trusted``: the signer
    chains to our trust roots; ``whole_file``: nothing was added after it."""

    signed: bool
    ours: bool = False
    intact: bool = False
    trusted: bool = False
    whole_file: bool = False
    signer: str = ""
    signed_at: datetime.datetime | None = None

    @property
    def valid(self):
        return self.signed and self.intact and self.trusted and self.whole_file


def validate_pdf(data):
    """Validate the (first) signature of ``data`` against our trust roots, offline (no revocation
    fetching). Never raises on a broken or hostile file: it reports what it could establish."""
    from pyhanko.pdf_utils.misc import PdfError
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        signatures = reader.embedded_signatures
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError, OSError):
        return SignatureReport(signed=False)
    if not signatures:
        return SignatureReport(signed=False)
    embedded = signatures[0]
    try:
        ours = embedded.signer_cert.dump() == signing_certificate().dump()
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError):
        return SignatureReport(signed=True)
    context = ValidationContext(trust_roots=trust_roots(), allow_fetching=False, revocation_mode="soft-fail")
    try:
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
    except (PdfError, ValueError, KeyError, TypeError, IndexError, AttributeError):  # SignatureValidationError too
        return SignatureReport(signed=True, ours=ours)
    return SignatureReport(
        signed=True,
        ours=ours,
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        signer=status.signing_cert.subject.human_friendly if status.signing_cert else "",
        signed_at=status.signer_reported_dt,
    )


def demo_ca_write(directory, *, password="", p12_name=DEMO_P12_NAME, days=3650):
    """Make a demo CA and a signing certificate it issues; write ``<directory>/<p12_name>`` (key, signing
    certificate and CA certificate) and ``<directory>/demo-ca.pem`` (the CA certificate, the trust root to
    give a PDF reader or ``pyhanko sign validate --trust``). The CA's private key is not kept. Returns the
    two paths."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import NameOID

    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    now = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=5)

    def name(common_name):
        return x509.Name(
            [
                x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, "山东省"),
                x509.NameAttribute(NameOID.LOCALITY_NAME, "枣庄市"),
                x509.NameAttribute(NameOID.ORGANIZATION_NAME, "枣庄市人力资源和社会保障局（演示）"),
                x509.NameAttribute(NameOID.COMMON_NAME, common_name),
            ]
        )

    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_name = name("职称评审平台演示根证书 Demo CA")
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name("枣庄市人力资源和社会保障局 文件签名（演示）"))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=days - 1))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    encryption = serialization.BestAvailableEncryption(password.encode()) if password else serialization.NoEncryption()
    p12 = directory / p12_name
    p12.write_bytes(pkcs12.serialize_key_and_certificates(b"document-signing", key, cert, [ca_cert], encryption))
    p12.chmod(0o600)
    ca_pem = directory / DEMO_CA_NAME
    ca_pem.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    return p12, ca_pem


@checks.register(checks.Tags.security, deploy=True)
def check_signing(app_configs=None, **kwargs):
    """zaozhuang_titles.W003 (deploy): certificates, letters and records cannot be signed."""
    try:
        signer()
    except ImproperlyConfigured as error:
        return [checks.Warning(str(error), id="zaozhuang_titles.W003")]
    return []
