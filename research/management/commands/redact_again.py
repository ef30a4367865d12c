"""manage.py redact_again [--community SLUG]: apply the member-name roster to stored client text."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from community.models import Community
from research.redaction import posts_redact_again


class Command(BaseCommand):
    help = (
        "Redact members' names from stored analyses and client copies of posts (after a deploy "
        "that changes redaction; the roster is otherwise applied automatically)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--community", help="One community's slug (default: every community).")

    def handle(self, *args, community: str | None, **options) -> None:
        targets = Community.objects.order_by("pk")
        if community:
            targets = targets.filter(slug=community)
            if not targets.exists():
                raise CommandError(f"--community: no community with slug {community!r}.")
        for target in targets:
            changed = posts_redact_again(community_id=target.pk, force=True)
            self.stdout.write(f"{target.slug}: {changed} stored texts redacted again.")
