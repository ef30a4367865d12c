"""/health/ answers for load balancers: database and, when configured, Redis."""

from __future__ import annotations

from django.urls import reverse


def test_it_reports_a_healthy_database(client, db, settings):
    settings.REDIS_URL = None
    response = client.get(reverse("health"))
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}}
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_it_answers_503_when_redis_is_configured_but_unreachable(client, db, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert response.json()["checks"]["redis"].startswith("error")


def test_it_answers_503_when_the_database_fails(client, db, monkeypatch, settings):
    settings.REDIS_URL = None

    class DownConnection:
        def cursor(self):
            raise RuntimeError("database is down")

    from config import health

    # Replace only the health module's handle, so the test database itself stays usable.
    monkeypatch.setattr(health, "connection", DownConnection())
    response = client.get(reverse("health"))
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "error: RuntimeError"


def test_it_needs_no_login(client, db):
    assert client.get(reverse("health")).status_code in (200, 503)
