from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "research"
    verbose_name = "Research and analysis"

    def ready(self) -> None:
        # Subscribe to community events; community never imports research.
        from research import subscriptions  # noqa: F401
