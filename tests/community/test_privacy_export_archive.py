"""A member's own data as one ZIP: the JSON plus the photos they uploaded, without location details;
and what the consent text and the account page promise about export and erasure."""

import io
import json
import zipfile

import pytest
from django.core.cache import cache
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from community.demo.content import COMMUNITY as DEMO_COMMUNITY
from community.models import Community, ErasurePolicy, PostImage
from community.services.posts import post_create
from tests.community.engagement_helpers import participant
from tests.community.test_uploads import GPS_IFD, jpeg_with_location, png_bytes, upload
from tests.conftest import membership_of
from tests.factories import DiscussionFactory, PostFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


@pytest.fixture
def board(community):
    return DiscussionFactory(community=community, media_allowed=True, title="Your shelf")


def photo_post(member, board, body: str, data: bytes, name="photo.jpg", content_type="image/jpeg"):
    return post_create(
        author=member, discussion=board, body=body, image=upload(data, name, content_type), rate_limit=False
    )


def download(client, user) -> zipfile.ZipFile:
    client.force_login(user)
    response = client.get(reverse("my_data_export_archive"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="verbatim-my-data-')
    assert response["Cache-Control"] == "no-store"
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


def posts_of(archive: zipfile.ZipFile) -> list[dict]:
    data = json.loads(archive.read("my-data.json"))
    return [post for membership in data["memberships"] for post in membership["posts"]]


def test_the_archive_holds_my_data_and_my_photos_without_their_location(client, bob, community, board):
    post = photo_post(membership_of(bob, community), board, "My shelf, finally up", jpeg_with_location())
    image = PostImage.objects.get(post=post)

    archive = download(client, bob)
    name = f"photos/post-{post.pk}-photo-{image.pk}.jpg"
    assert sorted(archive.namelist()) == ["README.txt", "my-data.json", name]
    [exported] = posts_of(archive)
    assert exported["body"] == "My shelf, finally up"
    assert exported["photos"] == [
        {
            "file": name,
            "content_type": "image/jpeg",
            "width": 64,
            "height": 48,
            "uploaded_at": image.created_at.isoformat(),
        }
    ]
    photo = Image.open(io.BytesIO(archive.read(name)))
    assert photo.size == (64, 48)
    assert dict(photo.getexif()) == {} and not photo.getexif().get_ifd(GPS_IFD)
    # Exactly the copy the site keeps (cleaned on upload), not a different rendition.
    with default_storage.open(image.file.name, "rb") as stored:
        assert archive.read(name) == stored.read()
    assert "photos/" in archive.read("README.txt").decode()


def test_the_json_download_lists_the_photos_by_their_name_in_the_archive(client, bob, community, board):
    post = photo_post(membership_of(bob, community), board, "Two colours", png_bytes(), "a.png", "image/png")
    image = PostImage.objects.get(post=post)
    client.force_login(bob)
    data = json.loads(client.get(reverse("my_data_export")).content)
    [exported] = data["memberships"][0]["posts"]
    assert [p["file"] for p in exported["photos"]] == [f"photos/post-{post.pk}-photo-{image.pk}.png"]


def test_the_archive_holds_nobody_elses_photos_or_posts(client, alice, bob, community, board):
    photo_post(membership_of(bob, community), board, "Bob's shelf", jpeg_with_location())
    photo_post(participant(community, "frank"), board, "Frank's shelf", png_bytes(), "f.png", "image/png")
    PostFactory(discussion=board, author=membership_of(alice, community), body="Lovely shelves, both")

    bobs = download(client, bob)
    assert [p["body"] for p in posts_of(bobs)] == ["Bob's shelf"]
    assert len([n for n in bobs.namelist() if n.startswith("photos/")]) == 1
    assert "Frank" not in bobs.read("my-data.json").decode()
    alices = download(client, alice)
    assert [n for n in alices.namelist() if n.startswith("photos/")] == []
    assert [p["body"] for p in posts_of(alices)] == ["Lovely shelves, both"]


def test_the_archive_asks_anonymous_visitors_to_sign_in(client):
    response = client.get(reverse("my_data_export_archive"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_photo_missing_from_storage_is_listed_as_missing_and_the_rest_still_downloads(
    client, bob, community, board
):
    member = membership_of(bob, community)
    gone = photo_post(member, board, "Lost photo", jpeg_with_location())
    kept = photo_post(member, board, "Kept photo", png_bytes(), "k.png", "image/png")
    default_storage.delete(PostImage.objects.get(post=gone).file.name)

    archive = download(client, bob)
    by_body = {p["body"]: p for p in posts_of(archive)}
    [missing] = by_body["Lost photo"]["photos"]
    assert missing["file"] is None and "could not be found" in missing["note"]
    [present] = by_body["Kept photo"]["photos"]
    assert present["file"] in archive.namelist()
    assert kept.pk and len([n for n in archive.namelist() if n.startswith("photos/")]) == 1


def test_the_archive_takes_a_fixed_number_of_queries_however_many_photos(
    client, bob, community, board, django_assert_max_num_queries
):
    member = membership_of(bob, community)
    photo_post(member, board, "first", png_bytes(), "1.png", "image/png")
    client.force_login(bob)
    url = reverse("my_data_export_archive")
    with django_assert_max_num_queries(20) as few:
        b"".join(client.get(url).streaming_content)
    for n in range(4):
        photo_post(member, board, f"more {n}", png_bytes(), f"{n}.png", "image/png")
    with django_assert_max_num_queries(len(few.captured_queries)):
        archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(url).streaming_content)))
    assert len([n for n in archive.namelist() if n.startswith("photos/")]) == 5


def test_the_account_page_offers_the_archive_and_says_what_erasure_keeps(client, bob, community):
    client.force_login(bob)
    page = client.get(reverse("my_data")).content.decode()
    assert reverse("my_data_export_archive") in page and "photos you attached" in page
    assert "stay, anonymised" in page and "your photos are deleted" in page
    Community.objects.filter(pk=community.pk).update(erasure_policy=ErasurePolicy.REMOVE)
    page = client.get(reverse("my_data")).content.decode()
    assert "will be <strong>removed</strong>" in page


def test_the_demo_consent_promises_what_erasure_does_under_its_policy():
    # The demo community keeps the default policy: erased members' posts stay, anonymised.
    assert DEMO_COMMUNITY.get("erasure_policy", ErasurePolicy.ANONYMIZE) == ErasurePolicy.ANONYMIZE
    text = DEMO_COMMUNITY["consent_text"]
    assert "erase my posts" not in text
    assert "download a copy of everything I posted" in text
    assert "my posts stay under “Former member”" in text and "photos are then deleted" in text
