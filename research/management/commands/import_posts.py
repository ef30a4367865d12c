"""manage.py import_posts FILE --community SLUG [--create]"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from community.models import Community
from research.imports import ImportFileError, read_import_file
from research.services import posts_import

MAX_REPORTED_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Import posts from a JSONL or CSV file (id, author, discussion, text, created_at). "
        "Every row is checked first; a file with any bad row imports nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument(
            "--create", action="store_true", help="Create the community if it does not exist."
        )
        parser.add_argument("--brand", default="", help="Brand name of a community made by --create.")

    def handle(self, *args, file: Path, community: str, create: bool, brand: str, **options) -> None:
        slug = community
        try:
            rows, errors = read_import_file(Path(file))
        except ImportFileError as exc:
            raise CommandError(str(exc)) from None
        if errors:
            shown = "\n".join(f"  {e}" for e in errors[:MAX_REPORTED_ERRORS])
            more = len(errors) - MAX_REPORTED_ERRORS
            tail = f"\n  ... and {more} more bad rows" if more > 0 else ""
            raise CommandError(f"{file}: {len(errors)} bad row(s); nothing was imported.\n{shown}{tail}")
        target = Community.objects.filter(slug=slug).first()
        if target is None:
            if not create:
                raise CommandError(f"--community: no community with slug {slug!r} (add --create to make it).")
            if slugify(slug) != slug or len(slug) > 60:
                raise CommandError(
                    f"--community: {slug!r} is not a valid slug (lowercase letters, digits, hyphens; at most 60)."
                )
            target = Community.objects.create(
                name=slug.replace("-", " ").replace("_", " ").title(), slug=slug, brand_name=brand or slug
            )
        try:
            result = posts_import(community=target, rows=rows)
        except ValueError as exc:
            raise CommandError(f"{file}: nothing was imported.\n{exc}") from None
        self.stdout.write(
            f"Imported {result.posts} posts into {target.slug} "
            f"({result.members_created} new participants, {result.discussions_created} new discussions). "
            f"Run `manage.py analyze --community {target.slug}` to analyse them."
        )
