"""The holder's photo (证件照) on the profile: checked and re-encoded as the uploads module does it, kept
in the private media root, changed by the applicant on the profile page at any time, sent only by
checked views (to its holder, and to the staff auditing its applications, logged)."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from applications import services
from applications.demo import demo_photo_png
from applications.models import ApplicantProfile
from tests.applications.factories import World
from zaozhuang_titles.models import AuditEvent
from zaozhuang_titles.uploads import PHOTO_MAX_BYTES, PORTRAIT_SIZE

pytestmark = pytest.mark.django_db


def jpeg_with_metadata(size=(600, 800)):
    """A camera-like JPEG: EXIF with the camera, a GPS position and orientation 6 (turn 90° to view)."""
    image = Image.new("RGB", size, "blue")
    image.paste("red", (0, 0, size[0] // 2, size[1]))  # left half red: the top half once turned upright
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to view
    exif[0x8825] = {1: "N", 2: (34.0, 48.0, 0.0), 3: "E", 4: (117.0, 33.0, 0.0)}  # GPS: Zaozhuang
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif, comment=b"secret comment")
    return buffer.getvalue()


def upload(content, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_image(user):
    profile = ApplicantProfile.objects.get(user=user)
    with default_storage.open(profile.photo, "rb") as stored:
        data = stored.read()
    return data, Image.open(io.BytesIO(data))


@pytest.fixture
def world():
    return World()


@pytest.fixture
def applicant(world):
    return world.applicant()


def test_photo_is_reencoded_upright_to_the_certificates_size_without_metadata(applicant):
    services.profile_photo_set(user=applicant, uploaded_file=upload(jpeg_with_metadata()))

    data, image = stored_image(applicant)
    assert (image.format, image.mode, image.size) == ("JPEG", "RGB", PORTRAIT_SIZE)
    assert not image.getexif()  # no camera, no GPS, no orientation left
    red, blue = image.getpixel((165, 20)), image.getpixel((165, 430))
    assert red[0] > 200 > red[2] and blue[2] > 200 > blue[0]  # turned upright: red on top
    assert b"PhoneMaker" not in data and b"secret comment" not in data and b"Exif" not in data
    profile = ApplicantProfile.objects.get(user=applicant)
    assert profile.photo.startswith("photos/") and profile.photo.endswith(".jpg")
    assert profile.photo_updated_at is not None


def test_png_with_transparency_becomes_a_jpeg_on_white(applicant):
    image = Image.new("RGBA", (300, 400), (0, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")

    services.profile_photo_set(user=applicant, uploaded_file=upload(buffer.getvalue(), "p.png", "image/png"))

    _data, stored = stored_image(applicant)
    assert stored.format == "JPEG"
    assert stored.getpixel((10, 10)) == pytest.approx((255, 255, 255), abs=2)


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "photo.pdf", "is a PDF file"),
        (b"<html><script>alert(1)</script></html>", "photo.jpg", "claims to be a JPEG image"),
        (demo_photo_png(0)[:400], "photo.png", "damaged"),
        (None, "tiny.png", "too small to print"),
        (b"\xff\xd8\xff" + b"0" * (PHOTO_MAX_BYTES + 1), "huge.jpg", "at most 5 MB"),
    ],
)
def test_photo_refused_says_why_and_stores_nothing(applicant, content, name, says):
    if content is None:
        buffer = io.BytesIO()
        Image.new("RGB", (100, 120), "white").save(buffer, format="PNG")
        content = buffer.getvalue()
    with pytest.raises(ValidationError) as refused:
        services.profile_photo_set(user=applicant, uploaded_file=upload(content, name))

    assert says in " ".join(refused.value.messages)
    assert ApplicantProfile.objects.get(user=applicant).photo == ""


def test_replacing_the_photo_deletes_the_previous_file(applicant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(user=applicant, uploaded_file=upload(demo_photo_png(0), "a.png", "image/png"))
    first = ApplicantProfile.objects.get(user=applicant).photo
    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_set(user=applicant, uploaded_file=upload(demo_photo_png(1), "b.png", "image/png"))
    second = ApplicantProfile.objects.get(user=applicant).photo

    assert second != first
    assert default_storage.exists(second) and not default_storage.exists(first)

    with django_capture_on_commit_callbacks(execute=True):
        services.profile_photo_remove(user=applicant)
    assert ApplicantProfile.objects.get(user=applicant).photo == ""
    assert not default_storage.exists(second)


def test_photo_changes_while_the_profile_is_locked(world, applicant):
    world.at_district(applicant)
    assert services.profile_lock_reason(user=applicant)

    services.profile_photo_set(user=applicant, uploaded_file=upload(demo_photo_png(0), "a.png", "image/png"))

    assert ApplicantProfile.objects.get(user=applicant).photo


def test_applicant_uploads_sees_and_removes_the_photo_on_the_profile_page(applicant, client_for):
    client = client_for(applicant)
    page = client.get(reverse("applications:profile")).content.decode()
    assert 'data-testid="photo-placeholder"' in page

    response = client.post(reverse("applications:profile_photo"), {"photo": upload(jpeg_with_metadata())}, follow=True)

    page = response.content.decode()
    assert 'data-testid="photo-image"' in page
    assert "照片已保存" in page
    photo = client.get(reverse("applications:profile_photo"))
    assert photo["Content-Type"] == "image/jpeg"
    assert photo["Content-Security-Policy"] == "sandbox"
    assert "no-store" in photo["Cache-Control"]
    assert Image.open(io.BytesIO(b"".join(photo.streaming_content))).size == PORTRAIT_SIZE

    client.post(reverse("applications:profile_photo_remove"))
    assert client.get(reverse("applications:profile_photo")).status_code == 404


def test_a_refused_upload_is_explained_on_the_profile_page(applicant, client_for):
    response = client_for(applicant).post(
        reverse("applications:profile_photo"), {"photo": upload(b"not an image at all", "me.jpg")}, follow=True
    )

    page = response.content.decode()
    assert "me.jpg" in page and "JPEG" in page
    assert ApplicantProfile.objects.get(user=applicant).photo == ""


def test_the_photo_is_no_public_media_file(applicant, client_for, settings):
    services.profile_photo_set(user=applicant, uploaded_file=upload(demo_photo_png(0), "a.png", "image/png"))
    name = ApplicantProfile.objects.get(user=applicant).photo

    # Stored under the private media root, which no URL serves (MEDIA_URL is None): only the checked
    # views send it.
    assert settings.MEDIA_URL is None
    assert default_storage.path(name).startswith(str(settings.MEDIA_ROOT))
    for prefix in ("/media/", "/private_media/", "/"):
        assert client_for(applicant).get(f"{prefix}{name}").status_code == 404


def test_staff_auditing_the_application_see_the_photo_and_it_is_logged(world, applicant, client_for):
    application = world.at_district(applicant)
    url = reverse("applications:applicant_photo", args=[application.pk])
    assert client_for(world.district).get(url).status_code == 404  # no photo yet
    services.profile_photo_set(user=applicant, uploaded_file=upload(demo_photo_png(0), "a.png", "image/png"))

    detail = client_for(world.district).get(reverse("applications:detail", args=[application.pk])).content.decode()
    response = client_for(world.district).get(url)

    assert url in detail
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.FILE_DOWNLOADED, user=world.district)
    assert event.detail == {"file": "photo", "application": application.number}
    # The enterprise sees the application but not the photo.
    contact_page = client_for(world.contact).get(reverse("applications:detail", args=[application.pk]))
    assert url not in contact_page.content.decode()
    assert client_for(world.contact).get(url).status_code == 403
