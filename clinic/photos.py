"""Team photos: an upload is checked with Pillow and re-encoded; only the re-encoded variants are ever kept.

Checks: the file is at most MAX_UPLOAD_BYTES, it is a JPEG, PNG or WebP image by its content (not its name),
its header declares at most MAX_PIXELS (so a small file that would unpack into gigabytes is refused before it
is decoded) and no side over MAX_SIDE, and it decodes completely. Then the orientation in its EXIF is applied,
and the picture is drawn afresh at a few widths in AVIF (where this Pillow can), WebP and JPEG, without any
metadata: no EXIF, no GPS, no colour profile, no comments. docs/photos.md says why the variants live in the
database.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from PIL import Image, ImageOps, UnidentifiedImageError, features

from clinic.models import PhotoFormat

MAX_UPLOAD_BYTES = settings.PHOTO_UPLOAD_MAX_BYTES
MAX_PIXELS = 40_000_000  # e.g. 8000 × 5000: more than any phone camera takes
MAX_SIDE = 16_383  # the WebP encoder's limit: a longer strip (under MAX_PIXELS) could not be encoded
_ALLOWED = ("JPEG", "PNG", "WEBP")
# Widths for a portrait shown at most about 320 CSS pixels wide, on screens of 1x, 2x and 3x density.
WIDTHS = (320, 640, 960)

_FORMATS = [
    # Encoder speeds chosen so that a 12-megapixel upload takes seconds, not tens of them (docs/photos.md).
    *([(PhotoFormat.AVIF, "AVIF", "avif", {"quality": 55, "speed": 8})] if features.check("avif") else []),
    (PhotoFormat.WEBP, "WEBP", "webp", {"quality": 80, "method": 4}),
    (PhotoFormat.JPEG, "JPEG", "jpg", {"quality": 82, "optimize": True, "progressive": True}),
]

_NOT_AN_IMAGE = "This file is not a photo we can use. Please upload a JPEG, PNG or WebP image."
_TOO_MANY_PIXELS = (
    f"This image has more than {MAX_PIXELS // 1_000_000} million pixels. Please upload a smaller copy "
    "(any photo from a phone is fine)."
)
_TOO_LONG_A_SIDE = (
    f"This image is more than {MAX_SIDE:,} pixels wide or tall. Photos can be at most {MAX_SIDE:,} pixels on each "
    "side: please upload a smaller copy (any photo from a phone is fine)."
)
_DAMAGED = "This image could not be read to the end: the file may be damaged or incomplete. Please upload it again."


@dataclass(frozen=True)
class Variant:
    content_type: str
    name: str
    width: int
    height: int
    data: bytes


@dataclass(frozen=True)
class ProcessedPhoto:
    digest: str
    width: int
    height: int
    variants: tuple[Variant, ...]


def _opened(upload) -> Image.Image:
    """The upload decoded, or a ValidationError saying in plain words what is wrong with it."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"This file is {upload.size / 1024 / 1024:.1f} MB. Photos can be at most "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB: please upload a smaller copy.",
            code="too_large",
        )
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload, formats=_ALLOWED)
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_TOO_MANY_PIXELS, code="too_many_pixels")
            if max(image.size) > MAX_SIDE:
                raise ValidationError(_TOO_LONG_A_SIDE, code="too_long_a_side")
            # A JPEG may be decoded at 1/2, 1/4 or 1/8 scale: still every byte is read, but far faster.
            image.draft("RGB", (WIDTHS[-1], WIDTHS[-1]))
            image.load()
    except UnidentifiedImageError as error:
        raise ValidationError(_NOT_AN_IMAGE, code="not_an_image") from error
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own limit, met while reading the header of a far larger image than ours allows.
        raise ValidationError(_TOO_MANY_PIXELS, code="too_many_pixels") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise ValidationError(_DAMAGED, code="damaged") from error
    return image


def _upright_rgb(image: Image.Image) -> Image.Image:
    """The picture turned as the camera meant it, on white where it was transparent, with nothing but pixels."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    # A new image of the pixels alone: no EXIF, ICC profile, XMP or text chunk can follow it into the variants.
    clean = Image.new("RGB", image.size)
    clean.paste(image.convert("RGB"))
    return clean


def process_upload(upload) -> ProcessedPhoto:
    """Check an uploaded file and make the variants the site serves; raises ValidationError for a bad file."""
    image = _upright_rgb(_opened(upload))
    digest = hashlib.sha256(image.tobytes()).hexdigest()
    widths = sorted({min(width, image.width) for width in WIDTHS})
    variants = []
    for width in reversed(widths):  # largest first; each smaller one is made from the one before
        height = max(1, round(image.height * width / image.width))
        if width != image.width:
            image = image.resize((width, height), Image.Resampling.LANCZOS, reducing_gap=3.0)
        for content_type, pillow_format, extension, options in _FORMATS:
            buffer = io.BytesIO()
            image.save(buffer, pillow_format, **options)
            variants.append(
                Variant(
                    content_type=content_type,
                    name=f"{digest[:20]}-{width}.{extension}",
                    width=width,
                    height=height,
                    data=buffer.getvalue(),
                )
            )
    variants.sort(key=lambda variant: variant.width)
    largest = variants[-1]
    return ProcessedPhoto(digest=digest, width=largest.width, height=largest.height, variants=tuple(variants))
