"""Team photos: checked and re-encoded with Pillow, stripped of metadata, served in several widths and formats."""

import io
import struct
import zlib

import pytest
from bs4 import BeautifulSoup
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.urls import reverse
from PIL import ExifTags, Image

from clinic.facts import current_facts
from clinic.models import Photo, PhotoVariant, TeamMember
from tests.consultations.conftest import signed_in, soup
from tests.factories import staff_member

ADD_URL = reverse("admin:clinic_teammember_add")


def jpeg_with_gps_and_orientation(size=(1200, 800)) -> bytes:
    """A camera-like JPEG: GPS position, camera make, and "rotate 90° clockwise to view" (orientation 6)."""
    image = Image.new("RGB", size, "#336699")
    image.paste("#ffcc00", (0, 0, size[0] // 2, size[1] // 4))  # a mark in the top-left corner, as stored
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "TestCam"
    exif[ExifTags.Base.Orientation] = 6
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (43.0, 39.0, 33.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "W"
    gps[ExifTags.GPS.GPSLongitude] = (70.0, 15.0, 19.0)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif, quality=90)
    return buffer.getvalue()


def png_with_transparency() -> bytes:
    image = Image.new("RGBA", (500, 500), (0, 0, 0, 0))
    image.paste((200, 30, 30, 255), (100, 100, 400, 400))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=None)
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(side: int = 20000, height: int | None = None) -> bytes:
    """A valid 1-bit PNG of side × side (or height) pixels, all black: 20,000 square is about 50 KB that would
    unpack to 400 million pixels."""
    height = height or side
    compressor = zlib.compressobj(9)
    row = b"\x00" * (1 + side // 8)  # filter byte, then the packed bits
    data = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")


def member_form(upload: bytes | None = None, filename="portrait.jpg", **changes) -> dict:
    form = {
        "name": "Jordan Rivera",
        "credentials": "MD",
        "role": "Medical director",
        "licence_type": "",
        "licence_number": "",
        "bio": "Has helped people taper for many years.",
        "photo_alt": "Jordan Rivera smiling, outdoors",
        "display_order": "1",
        "published": "on",
    }
    if upload is not None:
        form["upload"] = SimpleUploadedFile(filename, upload, "image/jpeg")
    form.update(changes)
    return form


@pytest.fixture
def manager_client():
    return signed_in(staff_member("manager", "Clinic manager"))


def served(client, name: str):
    response = client.get(reverse("pages:photo", args=[name]))
    assert response.status_code == 200
    return response


def test_a_camera_jpeg_is_served_upright_resized_and_without_any_metadata(client, manager_client):
    upload = jpeg_with_gps_and_orientation()
    assert Image.open(io.BytesIO(upload)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the upload carries GPS"
    response = manager_client.post(ADD_URL, member_form(upload))
    assert response.status_code == 302, soup(response).get_text()
    member = TeamMember.objects.get(name="Jordan Rivera")
    variants = list(member.photo.variants.order_by("content_type", "width"))
    kinds = {variant.content_type for variant in variants}
    assert {"image/webp", "image/jpeg"} <= kinds
    assert sorted({variant.width for variant in variants}) == [320, 640, 800]
    for variant in variants:
        body = served(client, variant.name)
        assert body["Content-Type"] == variant.content_type
        assert body["Cache-Control"] == "public, max-age=31536000, immutable"
        image = Image.open(io.BytesIO(body.content))
        assert image.size == (variant.width, variant.height)
        assert variant.height > variant.width, "orientation 6 applied: the landscape upload is shown portrait"
        assert not image.getexif(), variant.name
        assert not {"exif", "icc_profile", "xmp", "comment"} & set(image.info), variant.name
        for marker in (b"Exif", b"TestCam", b"GPS"):
            assert marker not in body.content, (variant.name, marker)
        assert body.content != upload
    # Turned upright, the mark from the stored top-left corner is now at the top right.
    largest = Image.open(io.BytesIO(served(client, variants[-1].name).content)).convert("RGB")
    assert largest.getpixel((largest.width - 5, 5))[0] > 200
    assert largest.getpixel((5, 5))[2] > 100


def test_a_png_with_transparency_is_accepted_on_white(client, manager_client):
    response = manager_client.post(ADD_URL, member_form(png_with_transparency(), filename="portrait.png"))
    assert response.status_code == 302
    jpeg = PhotoVariant.objects.filter(content_type="image/jpeg").order_by("width").first()
    assert jpeg.width == 320
    image = Image.open(io.BytesIO(served(client, jpeg.name).content))
    assert image.mode == "RGB"
    assert image.getpixel((2, 2)) >= (250, 250, 250)


@pytest.mark.parametrize(
    ("upload", "filename", "message"),
    [
        pytest.param(jpeg_with_gps_and_orientation()[:4000], "cut.jpg", "could not be read to the end", id="truncated"),
        pytest.param(
            b"<!doctype html><html><script>alert(1)</script></html>", "evil.jpg", "not a photo we can use", id="html"
        ),
        pytest.param(b"GIF89a" + b"\x00" * 100, "old.jpg", "not a photo we can use", id="gif-not-allowed"),
        pytest.param(png_bomb(), "bomb.png", "more than 40 million pixels", id="decompression-bomb"),
        pytest.param(png_bomb(7000), "big.png", "more than 40 million pixels", id="49-megapixels"),
        pytest.param(png_bomb(20, 400_000), "strip.png", "at most 16,383 pixels", id="too-tall-to-encode"),
        pytest.param(png_bomb(16_384, 8), "band.png", "at most 16,383 pixels", id="too-wide-to-encode"),
        # Larger bodies than the photo and the form's fields are refused before they are read (a 413 page):
        # tests/portland_site/test_request_bodies.py.
        pytest.param(
            b"\xff\xd8\xff" + b"\x00" * (10 * 1024 * 1024 + 100_000), "huge.jpg", "This file is 10.1 MB", id="10.1-mb"
        ),
    ],
)
def test_a_bad_upload_is_refused_with_a_clear_message_and_the_rest_of_the_form_kept(
    manager_client, upload, filename, message
):
    response = manager_client.post(ADD_URL, member_form(upload, filename=filename))
    assert response.status_code == 200
    page = soup(response)
    errors = " ".join(error.get_text(" ") for error in page.select(".errorlist"))
    assert message in errors
    assert page.find("input", attrs={"name": "name"})["value"] == "Jordan Rivera"
    assert page.find("textarea", attrs={"name": "bio"}).get_text().strip() == "Has helped people taper for many years."
    assert not TeamMember.objects.filter(name="Jordan Rivera").exists() and not Photo.objects.exists()


def test_a_photo_needs_a_description(manager_client):
    response = manager_client.post(ADD_URL, member_form(jpeg_with_gps_and_orientation(), photo_alt=""))
    assert response.status_code == 200
    assert "Describe the photo" in soup(response).get_text()
    assert not TeamMember.objects.filter(name="Jordan Rivera").exists()


def test_replacing_and_removing_a_photo_deletes_the_old_variants(manager_client):
    manager_client.post(ADD_URL, member_form(jpeg_with_gps_and_orientation()))
    member = TeamMember.objects.get(name="Jordan Rivera")
    first = member.photo_id
    change_url = reverse("admin:clinic_teammember_change", args=[member.pk])
    manager_client.post(change_url, member_form(png_with_transparency(), filename="new.png"))
    member.refresh_from_db()
    assert member.photo_id != first and not Photo.objects.filter(pk=first).exists()
    manager_client.post(change_url, member_form(remove_photo="on"))
    member.refresh_from_db()
    assert member.photo is None and member.photo_alt == ""
    assert not Photo.objects.exists() and not PhotoVariant.objects.exists()


def test_the_photo_include_renders_a_picture_with_sources_sizes_and_lazy_loading(manager_client):
    manager_client.post(ADD_URL, member_form(jpeg_with_gps_and_orientation()))
    person = next(person for person in current_facts().clinic.team if person.name == "Jordan Rivera")
    html = render_to_string("includes/photo.html", {"photo": person.photo, "sizes": "(min-width: 768px) 320px, 100vw"})
    picture = BeautifulSoup(html, "html.parser").find("picture")
    sources = picture.find_all("source")
    assert [source["type"] for source in sources][-1] == "image/webp"
    for source in sources:
        assert source["sizes"] == "(min-width: 768px) 320px, 100vw"
        assert [part.split()[-1] for part in source["srcset"].split(", ")] == ["320w", "640w", "800w"]
    img = picture.find("img")
    assert (img["width"], img["height"]) == ("800", "1200")
    assert img["alt"] == "Jordan Rivera smiling, outdoors"
    assert img["loading"] == "lazy" and img["decoding"] == "async"
    assert img["src"].endswith("-800.jpg") and "/photos/" in img["src"]


def test_unknown_photos_are_404(client):
    assert client.get(reverse("pages:photo", args=["nope-320.jpg"])).status_code == 404


def test_the_include_renders_nothing_without_a_photo():
    assert render_to_string("includes/photo.html", {"photo": None}).strip() == ""
