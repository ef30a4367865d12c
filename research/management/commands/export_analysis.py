"""manage.py export_analysis --community SLUG --format jsonl [--output FILE]"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from community.models import Community
from research.selectors import export_rows


class Command(BaseCommand):
    help = (
        "Write one JSON line per published post: id (the imported id if any), themes (labels), "
        "sentiment, relevance and perception dimensions."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--community", required=True, help="The community's slug.")
        parser.add_argument("--format", default="jsonl", choices=["jsonl"])
        parser.add_argument("--output", type=Path, help="File to write (default: standard output).")

    def handle(self, *args, community: str, output: Path | None, **options) -> None:
        target = Community.objects.filter(slug=community).first()
        if target is None:
            raise CommandError(f"--community: no community with slug {community!r}.")
        count = 0
        if output is None:
            for row in export_rows(community=target):
                self.stdout.write(json.dumps(row, ensure_ascii=False))
                count += 1
        else:
            output = Path(output)
            # Written next to the target then renamed, so a failed export never leaves half a file.
            partial = output.with_name(output.name + ".partial")
            with partial.open("w", encoding="utf-8") as f:
                for row in export_rows(community=target):
                    f.write(json.dumps(row, ensure_ascii=False) + "\n")
                    count += 1
            partial.replace(output)
        sys.stderr.write(f"Exported {count} posts from {target.slug}.\n")
