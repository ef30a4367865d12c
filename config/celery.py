"""The Celery app. Workers: `celery -A config worker -Q default,analysis`."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("verbatim")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Operational tasks (verbatim.ping) live outside the apps.
app.autodiscover_tasks(["config"])
