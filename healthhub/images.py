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
