"""Signed PDFs (zaozhuang_titles/signing.py): PAdES with the key of the configured PKCS#12 file, validated
by pyHanko against the demo CA as trust root, broken by any change of one byte or by anything appended;
the demo CA command; a missing or wrong configuration said plainly."""

import concurrent.futures
import io

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from zaozhuang_titles import signing
from zaozhuang_titles.documents import render_pdf


@pytest.fixture(scope="module")
def signed():
    return signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "职称证书"}), reason="测试")


def in_a_fresh_thread(function, *args):
    """Run ``function`` in a thread with no event loop: pyHanko's synchronous API calls ``asyncio.run``,
    and in the whole suite the browser tests' Playwright loop is still running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def pyhanko_validates(data, ca_path):
    """What ``pyhanko sign validate --trust <ca> file.pdf`` checks, through its Python API."""
    context = ValidationContext(trust_roots=[load_cert_from_pemder(str(ca_path))], allow_fetching=False)
    [embedded] = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
    return in_a_fresh_thread(lambda: validate_pdf_signature(embedded, context).bottom_line)


def flip_one_byte(data):
    """Change one bit of a byte the signature covers (in the page content, before the signature)."""
    position = data.index(b"stream") + 40
    changed = bytearray(data)
    changed[position] ^= 0x01
    return bytes(changed)


def test_a_signed_pdf_validates_against_the_demo_ca(signed, document_signer):
    report = signing.validate_pdf(signed)

    assert report.valid and report.intact and report.trusted and report.whole_file
    assert "枣庄市人力资源和社会保障局" in report.signer
    assert b"/ByteRange" in signed and b"/Sig" in signed and b"/ETSI.CAdES.detached" in signed
    assert pyhanko_validates(signed, document_signer) is True


def test_one_byte_changed_breaks_the_signature(signed, document_signer):
    altered = flip_one_byte(signed)

    report = signing.validate_pdf(altered)
    assert report.signed and not report.intact and not report.valid
    assert pyhanko_validates(altered, document_signer) is False


def test_anything_appended_after_the_signature_is_not_covered(signed):
    report = signing.validate_pdf(signed + b"\n% appended\n")

    assert report.signed and not report.valid


def test_another_ca_is_not_trusted(tmp_path, settings, signed):
    p12, _ca = signing.demo_ca_write(tmp_path, password="秘密 pass")
    settings.DOCUMENT_SIGNING_P12, settings.DOCUMENT_SIGNING_PASSWORD = str(p12), "秘密 pass"

    foreign = signing.validate_pdf(signed)
    own = signing.validate_pdf(signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "x"}), reason="x"))

    assert foreign.intact and not foreign.trusted and not foreign.valid
    assert own.valid


@pytest.mark.parametrize("data", [b"", b"%PDF-1.7\nnot really", b"\x89PNG\r\n\x1a\n"])
def test_an_unsigned_or_broken_file_is_reported_unsigned(data):
    assert signing.validate_pdf(data) == signing.SignatureReport(signed=False)


def test_an_unsigned_pdf_is_reported_unsigned():
    assert not signing.validate_pdf(render_pdf("documents/demo_evidence.html", {"title": "x"})).signed


def test_missing_or_unreadable_configuration_is_said(settings, tmp_path):
    settings.DOCUMENT_SIGNING_P12 = ""
    with pytest.raises(ImproperlyConfigured, match="DOCUMENT_SIGNING_P12 is not set"):
        signing.signer()
    [warning] = signing.check_signing()
    assert warning.id == "zaozhuang_titles.W003"

    settings.DOCUMENT_SIGNING_P12 = str(tmp_path / "none.p12")
    with pytest.raises(ImproperlyConfigured, match="does not exist"):
        signing.signer()

    p12, _ca = signing.demo_ca_write(tmp_path, password="right")
    settings.DOCUMENT_SIGNING_P12, settings.DOCUMENT_SIGNING_PASSWORD = str(p12), "wrong"
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        signing.signer()


def test_the_check_passes_when_the_signer_is_configured():
    assert signing.check_signing() == []


def test_the_demo_ca_command_writes_once_and_replaces_on_force(tmp_path, settings):
    settings.DOCUMENT_SIGNING_P12 = str(tmp_path / "keys" / "signer.p12")
    out = io.StringIO()

    call_command("signing_demo_ca", stdout=out)
    first = (tmp_path / "keys" / "signer.p12").read_bytes()
    call_command("signing_demo_ca", stdout=out)
    kept = (tmp_path / "keys" / "signer.p12").read_bytes()
    call_command("signing_demo_ca", "--force", stdout=out)

    assert first == kept != (tmp_path / "keys" / "signer.p12").read_bytes()
    assert (tmp_path / "keys" / "demo-ca.pem").read_bytes().startswith(b"-----BEGIN CERTIFICATE-----")
    assert "exists; kept" in out.getvalue()
    assert oct((tmp_path / "keys" / "signer.p12").stat().st_mode & 0o777) == "0o600"
    assert signing.signer().signing_cert.subject.human_friendly.startswith("Common Name: 枣庄市")


def test_the_demo_ca_command_needs_a_place(settings, tmp_path):
    from django.core.management.base import CommandError

    settings.DOCUMENT_SIGNING_P12 = ""
    with pytest.raises(CommandError, match="give --dir"):
        call_command("signing_demo_ca")
    call_command("signing_demo_ca", "--dir", str(tmp_path), stdout=io.StringIO())
    assert (tmp_path / signing.DEMO_P12_NAME).is_file()


def test_signing_and_validating_work_from_inside_an_event_loop():
    import asyncio

    async def inside():
        data = signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "x"}), reason="x")
        return signing.validate_pdf(data)

    assert in_a_fresh_thread(lambda: asyncio.run(inside())).valid


def test_a_signer_whose_certificates_add_up_to_an_odd_length_signs(tmp_path, settings, monkeypatch):
    """A certificate's DER length depends on its serial number's length: a random 159-bit serial is one
    byte shorter about once in 256 draws, and the certificates' total length is then odd, which pyHanko
    refused as a reserve ("bytes_reserved must be even"). CI drew such a CA once and every signature of
    the run failed. Here the CA gets a one-byte serial (19 bytes shorter), so the total is odd for sure."""
    from cryptography import x509

    serials = iter([1, x509.random_serial_number()])
    monkeypatch.setattr(x509, "random_serial_number", lambda: next(serials))
    settings.DOCUMENT_SIGNING_P12 = str(tmp_path / signing.DEMO_P12_NAME)
    call_command("signing_demo_ca", stdout=io.StringIO())
    own = signing.signer()
    assert sum(len(cert.dump()) for cert in [own.signing_cert, *own.cert_registry]) % 2 == 1

    data = in_a_fresh_thread(
        lambda: signing.sign_pdf(render_pdf("documents/demo_evidence.html", {"title": "职称证书"}), reason="测试")
    )

    assert in_a_fresh_thread(signing.validate_pdf, data).valid
