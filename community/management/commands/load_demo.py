"""manage.py load_demo [--reset] [--no-analysis]: the demo community `make demo` serves."""

from __future__ import annotations

import logging
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from community.demo import content
from community.demo.loader import demo_counts, demo_delete, demo_exists, demo_load


class Command(BaseCommand):
    help = (
        "Load the Hearth & Loom demo community (about 40 participants, 360 posts over two weeks), "
        "run the analysis that exists, and print a login for each role."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete the demo community and demo accounts first, then reload.",
        )
        parser.add_argument("--no-analysis", action="store_true", help="Skip `manage.py analyze` afterwards.")

    def handle(self, *args, reset: bool, no_analysis: bool, **options) -> None:
        started = time.monotonic()
        # In-process Celery logs a line per task (the probes' emails); the summary says enough.
        logging.getLogger("celery.app.trace").setLevel(logging.WARNING)
        logging.getLogger("kombu.connection").setLevel(logging.ERROR)  # "no hostname" for memory://
        slug = content.COMMUNITY["slug"]
        if demo_exists():
            if not reset:
                self.stdout.write(f"The demo community {slug!r} is already loaded; use --reset to reload it.")
                self._print_logins()
                return
            removed = demo_delete()
            self.stdout.write(f"Removed the previous demo community and {removed} demo accounts.")
        elif reset:
            demo_delete()  # stray demo accounts from an interrupted load

        self.stdout.write(f"Loading the demo community {slug!r}...")
        try:
            result = demo_load(log=self.stdout.write)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        loaded = time.monotonic() - started
        counts = demo_counts(result.community)
        self.stdout.write(
            f"Loaded in {loaded:.1f}s: {counts['participants']} participants, {counts['posts']} posts "
            f"({counts['responses']} responses, {counts['replies']} replies), {counts['activities']} activities, "
            f"{counts['audit_entries']} audit entries."
        )
        for note in result.notes:
            self.stdout.write(self.style.WARNING(note))

        if not no_analysis:
            if "analyze" in get_commands():
                self.stdout.write("Analysing the posts and refreshing themes (manage.py analyze)...")
                call_command("analyze", community=slug, stdout=self.stdout, stderr=self.stderr)
            else:
                self.stdout.write("No analysis command installed yet; skipping analysis.")
        self.stdout.write(self.style.SUCCESS(f"Demo ready in {time.monotonic() - started:.1f}s."))
        self._print_logins()

    def _print_logins(self) -> None:
        password = content.DEMO_PASSWORD
        sample = next(p for p in content.PARTICIPANTS if p.key == content.SAMPLE_PARTICIPANT)
        rows = [
            (content.ADMIN_USERNAME, "admin", "Django admin (/admin/): create communities and grant roles."),
            (
                "maya",
                "moderator",
                "Maya Okafor, the researcher: every post with real names, the moderation queue "
                "(2 open flags, hidden and removed posts), the audit log, probes, completion.",
            ),
            (
                "tom",
                "client",
                "Tom Reeve, Head of CRM at Hearth & Loom: published posts under pseudonyms, the "
                "scorecard results and the perception gap (his self-assessment is in).",
            ),
            (
                sample.key,
                "participant",
                f"{sample.first_name} {sample.last_name} ({sample.pseudonym}): what's due (a probe "
                "waiting for her answer, the scorecard), the uninfluenced board, her private diary.",
            ),
        ]
        self.stdout.write("")
        self.stdout.write(f"Logins (password for every demo account: {password}):")
        for username, role, sees in rows:
            self.stdout.write(f"  {role:<12} {username:<8} {sees}")
        self.stdout.write(
            "  Every other participant logs in with their first name in lower case (e.g. dan, lucy, imran)."
        )
