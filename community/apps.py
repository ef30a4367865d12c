from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = "Communities"

    def ready(self) -> None:
        # Board sockets subscribe to post events (community.events); importing connects the receiver.
        # The roster cache drops itself when memberships or users' names change.
        from community import (
            realtime_boards,  # noqa: F401
            roster,  # noqa: F401
        )
