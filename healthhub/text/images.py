"""Checking and cleaning images that editors upload.

The file name and the browser's content type are not trusted: Pillow must
recognise the bytes as JPEG, PNG or WebP. The image is then re-encoded, which
drops metadata (camera, GPS) and anything smuggled after the pixel data, and it
is stored under a new random name with the extension of its real format.
"""

import io
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
MAX_PIXELS = 40_000_000


def _megabytes(size):
    return f"{size / (1024 * 1024):.0f} MB"


def clean_image_upload(upload) -> ContentFile:
    """Return a re-encoded copy of an uploaded image, or raise ValidationError."""
    limit = settings.IMAGE_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            "This image is %(size)s; the limit is %(limit)s. Save it smaller (e.g. 2000 px wide) and try again.",
            code="too_large",
            params={"size": _megabytes(upload.size), "limit": _megabytes(limit)},
        )
    try:
        upload.seek(0)
        with Image.open(upload) as probe:
            image_format = probe.format
            if image_format not in FORMATS:
                raise ValidationError(
                    "Only JPEG, PNG and WebP images can be uploaded; this file is %(kind)s.",
                    code="bad_format",
                    params={"kind": image_format or "not an image"},
                )
            if probe.width * probe.height > MAX_PIXELS:
                raise ValidationError("This image has too many pixels; resize it first.", code="too_many_pixels")
            probe.verify()
        upload.seek(0)
        with Image.open(upload) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image_format == "JPEG" and image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            output = io.BytesIO()
            # No exif/icc arguments: the copy carries pixels only.
            image.save(output, format=image_format, quality=88, optimize=True)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        raise ValidationError(
            "This file is not a JPEG, PNG or WebP image (or it is damaged).", code="not_an_image"
        ) from None
    return ContentFile(output.getvalue(), name=f"{uuid.uuid4().hex}.{FORMATS[image_format]}")


# What Pillow itself writes when clean_image_upload re-encodes; any other info
# (EXIF, XMP, ICC profiles, comments, PNG text) is metadata.
PLAIN_INFO = {
    "JPEG": {"jfif", "jfif_version", "jfif_unit", "jfif_density"},
    "PNG": {"transparency"},
    "WEBP": {"loop", "background"},
}
# The file must end where the image ends: nothing appended after it.
ENDS_CLEANLY = {
    "JPEG": lambda data: data.endswith(b"\xff\xd9"),
    "PNG": lambda data: data.endswith(b"IEND\xaeB`\x82"),
    "WEBP": lambda data: int.from_bytes(data[4:8], "little") + 8 == len(data),
}


def is_plain_image(data: bytes) -> bool:
    """Whether image bytes hold pixels only, like clean_image_upload's output, so they can be kept as they are.

    Re-encoding JPEG and WebP changes their bytes every time; keeping a plain
    image lets content exported from healthhub be imported without change.
    """
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format
            return (
                image_format in FORMATS
                and set(image.info) <= PLAIN_INFO[image_format]
                and not image.getexif()
                and ENDS_CLEANLY[image_format](data)
            )
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError):
        return False
