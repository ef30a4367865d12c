"""Images attached to posts. Files are re-encoded on upload (community.uploads) and
served only through an access-checked view, never straight from MEDIA_URL."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from community.models.discussions import Post


def _post_image_path(instance: PostImage, filename: str) -> str:
    # The stored name never carries the uploader's file name (it can hold personal details).
    return f"posts/{timezone.now():%Y/%m}/{filename}"


class PostImage(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    file = models.ImageField(upload_to=_post_image_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=40)
    size_bytes = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Image {self.pk} of post {self.post_id}"
