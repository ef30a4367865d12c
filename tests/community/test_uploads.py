"""Image uploads: type and size limits, decompression bombs, re-encoding without EXIF or location."""

import io
import os
import struct
import zlib

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from community.models import PostImage, PostStatus
from community.services.posts import post_create, post_images_delete
from community.uploads import clean_image
from tests.conftest import membership_of
from tests.factories import DiscussionFactory

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def jpeg_with_location(size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # camera make
    exif[0x0110] = "Model X"
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (51.0, 30.0, 0.0), 3: "W", 4: (0.0, 7.0, 0.0)})
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_bytes(size=(32, 32), mode="RGBA") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (0, 128, 0, 128) if mode == "RGBA" else (0, 128, 0)).save(out, format="PNG")
    return out.getvalue()


def png_header_bomb(width=60_000, height=60_000) -> bytes:
    """A tiny PNG that claims billions of pixels: the header is all a bomb needs to be dangerous."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def upload(data: bytes, name="photo.jpg", content_type="image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_it_strips_exif_and_gps_location_from_a_photo():
    original = jpeg_with_location()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the fixture really carries GPS
    cleaned = clean_image(upload(original))
    stored = Image.open(io.BytesIO(cleaned.content.read()))
    assert stored.format == "JPEG"
    assert dict(stored.getexif()) == {}
    assert "exif" not in stored.info
    assert (cleaned.width, cleaned.height, cleaned.content_type) == (64, 48, "image/jpeg")


def test_it_keeps_transparency_by_re_encoding_as_png():
    cleaned = clean_image(upload(png_bytes(), name="logo.png", content_type="image/png"))
    assert cleaned.content_type == "image/png"
    assert Image.open(io.BytesIO(cleaned.content.read())).mode == "RGBA"


def test_it_does_not_keep_the_uploaders_file_name():
    cleaned = clean_image(upload(jpeg_with_location(), name="jane-doe-home-address.jpg"))
    assert "jane" not in cleaned.content.name


def test_it_refuses_a_file_that_is_not_an_image():
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(b"%PDF-1.7 not really an image", name="cv.jpg"))
    assert caught.value.message_dict["image"] == [
        "The file is not an image we accept (JPEG, PNG, GIF or WebP)."
    ]


def test_it_refuses_an_image_format_outside_the_list():
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, format="BMP")
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(out.getvalue(), name="x.bmp"))
    assert "BMP images are not accepted" in caught.value.message_dict["image"][0]


def test_it_refuses_an_oversized_file_naming_the_limit(settings):
    settings.VERBATIM = {**settings.VERBATIM, "UPLOAD_MAX_BYTES": 2048}
    big = upload(b"\xff\xd8" + b"0" * 3 * 1024 * 1024)
    with pytest.raises(ValidationError) as caught:
        clean_image(big)
    assert caught.value.message_dict["image"] == ["The image is 3.0 MB; the limit is 2 KB."]


def test_it_refuses_a_decompression_bomb_before_decoding_it(settings):
    settings.VERBATIM = {**settings.VERBATIM, "UPLOAD_MAX_PIXELS": 40_000_000}
    bomb = png_header_bomb()
    assert len(bomb) < 200
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(bomb, name="bomb.png", content_type="image/png"))
    assert caught.value.message_dict["image"] == [
        "The image has too many pixels; the limit is 40,000,000 pixels."
    ]


def test_it_refuses_a_bomb_under_pillows_own_limit_but_over_ours(settings):
    settings.VERBATIM = {**settings.VERBATIM, "UPLOAD_MAX_PIXELS": 40_000_000}
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(png_header_bomb(8_000, 6_000), name="bomb.png", content_type="image/png"))
    assert caught.value.message_dict["image"] == [
        "The image is 8000×6000 pixels (48,000,000); the limit is 40,000,000 pixels."
    ]


def test_it_refuses_an_image_over_the_configured_pixel_limit(settings):
    settings.VERBATIM = {**settings.VERBATIM, "UPLOAD_MAX_PIXELS": 10_000}
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(png_bytes(size=(200, 100), mode="RGB"), name="wide.png"))
    assert caught.value.message_dict["image"] == [
        "The image is 200×100 pixels (20,000); the limit is 10,000 pixels."
    ]


def test_it_refuses_a_truncated_image():
    data = jpeg_with_location(size=(400, 300))
    with pytest.raises(ValidationError) as caught:
        clean_image(upload(data[: len(data) // 2]))
    assert "damaged or truncated" in caught.value.message_dict["image"][0]


def test_it_keeps_only_the_first_frame_of_an_animated_gif():
    frames = [Image.new("P", (16, 16), color) for color in (1, 2, 3)]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:])
    cleaned = clean_image(upload(out.getvalue(), name="a.gif", content_type="image/gif"))
    assert getattr(Image.open(io.BytesIO(cleaned.content.read())), "n_frames", 1) == 1


# --- attached to posts ---


def test_it_attaches_a_cleaned_image_to_a_post(bob, community):
    board = DiscussionFactory(community=community, media_allowed=True)
    post = post_create(
        author=membership_of(bob, community),
        discussion=board,
        body="My shelf",
        image=upload(jpeg_with_location()),
    )
    image = PostImage.objects.get(post=post)
    assert image.content_type == "image/jpeg"
    assert dict(Image.open(image.file.path).getexif()) == {}


def test_it_refuses_an_image_where_the_activity_does_not_allow_media(bob, community):
    board = DiscussionFactory(community=community, media_allowed=False)
    with pytest.raises(ValidationError) as caught:
        post_create(
            author=membership_of(bob, community), discussion=board, body="Look", image=upload(png_bytes())
        )
    assert caught.value.message_dict["image"] == ["This activity does not accept images."]
    assert not board.posts.exists()


def test_it_saves_nothing_when_the_image_is_refused(client, bob, community):
    board = DiscussionFactory(community=community, media_allowed=True)
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", board.pk]),
        {"body": "With a bad file", "image": upload(b"not an image at all", name="x.png")},
    )
    assert response.status_code == 400
    assert "not an image we accept" in response.content.decode()
    assert not board.posts.exists() and not PostImage.objects.exists()


def test_it_serves_an_image_only_to_members_who_can_read_its_post(client, alice, bob, carol, eve, community):
    board = DiscussionFactory(community=community, media_allowed=True)
    post = post_create(
        author=membership_of(bob, community), discussion=board, body="Pic", image=upload(png_bytes())
    )
    url = reverse("post_image", args=["acme", post.images.get().pk])
    for user in (alice, bob, carol):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
    client.force_login(eve)
    assert client.get(url).status_code == 404
    post.status = PostStatus.HIDDEN
    post.save(update_fields=["status"])
    client.force_login(carol)
    assert client.get(url).status_code == 404


def test_it_shows_an_uploaded_image_on_the_discussion_page(client, bob, community):
    board = DiscussionFactory(community=community, media_allowed=True)
    client.force_login(bob)
    response = client.post(
        reverse("post_create", args=["acme", board.pk]),
        {"body": "Here is my fridge", "image": upload(jpeg_with_location(), name="IMG_0001.jpg")},
    )
    assert response.status_code == 302
    image = PostImage.objects.get()
    page = client.get(reverse("discussion_detail", args=["acme", board.pk])).content.decode()
    assert reverse("post_image", args=["acme", image.pk]) in page
    assert "IMG_0001" not in page


def test_it_deletes_image_files_when_asked_for_erasure(bob, community, django_capture_on_commit_callbacks):
    board = DiscussionFactory(community=community, media_allowed=True)
    post = post_create(
        author=membership_of(bob, community), discussion=board, body="Pic", image=upload(png_bytes())
    )
    path = post.images.get().file.path
    with django_capture_on_commit_callbacks(execute=True):
        assert post_images_delete(posts=[post]) == 1
    assert not PostImage.objects.exists()
    assert not os.path.exists(path)


def test_it_answers_not_found_when_an_image_file_is_missing(client, bob, community):
    board = DiscussionFactory(community=community, media_allowed=True)
    post = post_create(
        author=membership_of(bob, community), discussion=board, body="Pic", image=upload(png_bytes())
    )
    image = post.images.get()
    image.file.storage.delete(image.file.name)
    client.force_login(bob)
    assert client.get(reverse("post_image", args=["acme", image.pk])).status_code == 404
