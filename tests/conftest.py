"""Personas used across the suite, one per role (healthchecks style):

- alice: moderator (researcher) of the acme community
- bob: participant in acme (consented)
- carol: client (brand stakeholder) of acme
- dave: participant in acme who has not yet accepted consent
- eve: outsider, a participant of another community only
- admin: site administrator
"""

from __future__ import annotations

import pytest

from community.models import Role
from tests.factories import CommunityFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True, scope="session")
def _celery_tasks_run_in_process():
    """Tasks run in-process even when REDIS_URL is set (CI's second pass): these tests assert what a
    task did, which needs it to run here. Real workers on Redis are tested in tests/integration."""
    from django.conf import settings

    from config.celery import app

    settings.CELERY_TASK_ALWAYS_EAGER = True
    app.conf.task_always_eager = True
    # ...and inside the request, not on the background analysis thread (tests of that thread turn it on).
    settings.VERBATIM["ANALYSIS_IN_BACKGROUND"] = False


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django's test database, and on PostgreSQL, before it is dropped, the end of any
    connection still open on it: the worker threads of async code (Channels' database thread,
    asgiref's executors) keep theirs, and DROP DATABASE would refuse with "being accessed by other
    users", leaving the test database behind."""
    yield
    with django_db_blocker.unblock():
        from django.db import connection

        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: SQLite hands out row ids again after a rollback, so a
    cached member-name roster or rate-limit counter of an earlier test must not leak into this one."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas get real password hashes; the slow default hasher only costs suite time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def community(db):
    return CommunityFactory(
        name="Acme Listening Lab", slug="acme", brand_name="Acme", brand_aliases=["ACME Stores"]
    )


@pytest.fixture
def other_community(db):
    return CommunityFactory(name="Other Lab", slug="other", brand_name="Other")


@pytest.fixture
def alice(community):
    user = UserFactory(username="alice", first_name="Alice", last_name="Moderator")
    MembershipFactory(user=user, community=community, role=Role.MODERATOR, pseudonym="Moderator Alice")
    return user


@pytest.fixture
def bob(community):
    user = UserFactory(username="bob", first_name="Bob", last_name="Participant")
    MembershipFactory(
        user=user, community=community, role=Role.PARTICIPANT, pseudonym="Swift Heron", segments=["app users"]
    )
    return user


@pytest.fixture
def carol(community):
    user = UserFactory(username="carol", first_name="Carol", last_name="Client")
    MembershipFactory(user=user, community=community, role=Role.CLIENT, pseudonym="Client Carol")
    return user


@pytest.fixture
def dave(community):
    user = UserFactory(username="dave", first_name="Dave", last_name="Newcomer")
    MembershipFactory(
        user=user,
        community=community,
        role=Role.PARTICIPANT,
        pseudonym="Quiet Otter",
        consent_version=None,
        consented_at=None,
    )
    return user


@pytest.fixture
def eve(other_community):
    user = UserFactory(username="eve", first_name="Eve", last_name="Outsider")
    MembershipFactory(user=user, community=other_community, role=Role.PARTICIPANT, pseudonym="Teal Lynx")
    return user


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def membership_of(user, community):
    return user.memberships.get(community=community)
