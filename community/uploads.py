"""Image uploads: checked, decoded with a size guard, re-encoded, metadata dropped.

Nothing the uploader sent is stored as-is: the pixels are decoded and written
out fresh, which drops EXIF (camera, GPS location), XMP, ICC and PNG text
chunks. Limits come from settings.VERBATIM and every refusal names the limit.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from PIL import Image, ImageOps, UnidentifiedImageError

ACCEPTED_FORMATS = {"JPEG", "PNG", "GIF", "WEBP"}
ACCEPTED_LABEL = "JPEG, PNG, GIF or WebP"


@dataclass(frozen=True)
class CleanImage:
    content: ContentFile
    content_type: str
    width: int
    height: int
    size_bytes: int


def _megabytes(n: int) -> str:
    if n < 1024 * 1024:
        return f"{max(1, round(n / 1024))} KB"
    return f"{n / (1024 * 1024):.1f} MB"


def _refuse(message: str) -> ValidationError:
    return ValidationError({"image": message}, code="invalid_image")


def clean_image(upload) -> CleanImage:
    """Validate `upload` (a Django UploadedFile or any file object) and return a re-encoded copy.

    Raises ValidationError on the "image" field for: too many bytes, not an
    image or an unaccepted format, too many pixels (decompression bombs), or a
    file that fails to decode.
    """
    max_bytes = settings.VERBATIM["UPLOAD_MAX_BYTES"]
    max_pixels = settings.VERBATIM["UPLOAD_MAX_PIXELS"]

    size = getattr(upload, "size", None)
    if size is None:
        upload.seek(0, io.SEEK_END)
        size = upload.tell()
    if size > max_bytes:
        raise _refuse(f"The image is {_megabytes(size)}; the limit is {_megabytes(max_bytes)}.")
    if size == 0:
        raise _refuse("The image file is empty.")

    upload.seek(0)
    try:
        # Image.open reads only the header, so the pixel check below happens before any decoding.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            image_format = image.format
            width, height = image.size
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse(f"The image has too many pixels; the limit is {max_pixels:,} pixels.") from None
    except (UnidentifiedImageError, OSError):
        raise _refuse(f"The file is not an image we accept ({ACCEPTED_LABEL}).") from None

    if image_format not in ACCEPTED_FORMATS:
        raise _refuse(f"{image_format} images are not accepted; use {ACCEPTED_LABEL}.")
    if width * height > max_pixels:
        raise _refuse(
            f"The image is {width}×{height} pixels ({width * height:,}); the limit is {max_pixels:,} pixels."
        )

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image.seek(0)  # animated GIF/WebP: keep the first frame only
            image.load()
            # Apply the camera's orientation before the EXIF that carries it is dropped.
            image = ImageOps.exif_transpose(image)
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _refuse(f"The image has too many pixels; the limit is {max_pixels:,} pixels.") from None
    except (OSError, ValueError, SyntaxError):
        raise _refuse("The image could not be read; it may be damaged or truncated.") from None

    has_alpha = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
    out = io.BytesIO()
    if has_alpha:
        image.convert("RGBA").save(out, format="PNG", optimize=True)
        content_type, extension = "image/png", "png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        content_type, extension = "image/jpeg", "jpg"
    data = out.getvalue()
    # Re-encoding can grow a tiny, highly compressed file; the stored copy obeys the limit too.
    if len(data) > max_bytes:
        raise _refuse(f"The image is too large once re-encoded; the limit is {_megabytes(max_bytes)}.")
    return CleanImage(
        content=ContentFile(data, name=f"{uuid.uuid4().hex}.{extension}"),
        content_type=content_type,
        width=image.width,
        height=image.height,
        size_bytes=len(data),
    )
