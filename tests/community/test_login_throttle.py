"""Password guessing at /login/: failures per username and per address lock sign-in for a while."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from community.models import AuditEntry

PASSWORD = "correct horse battery"


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.VERBATIM = {
        **settings.VERBATIM,
        "LOGIN_FAILURES_PER_USERNAME": 3,
        "LOGIN_FAILURES_PER_IP": 5,
        "LOGIN_FAILURE_WINDOW_SECONDS": 600,
        "LOGIN_LOCK_SECONDS": 900,
    }


def sign_in(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_it_locks_a_username_after_repeated_failures_even_against_the_right_password(client, bob, community):
    assert sign_in(client, "bob", "guess-1").status_code == 200
    assert sign_in(client, "BOB", "guess-2").status_code == 200  # the same username, whatever the case
    locked = sign_in(client, "bob", "guess-3")
    assert locked.status_code == 429
    assert 800 < int(locked["Retry-After"]) <= 900
    page = locked.content.decode()
    assert "Too many failed sign-ins for this account" in page
    assert "signing in is paused until" in page and "(in 15 minutes)" in page
    # The right password does not get in while the lock lasts, from any address.
    right = sign_in(client, "bob", PASSWORD, ip="198.51.100.1")
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The account's communities record the lock (no address or password in it).
    entry = AuditEntry.objects.get(action="account.sign_in_locked")
    assert entry.community == community and entry.target_type == "membership"
    assert "203.0.113.7" not in str(entry.details) and "guess" not in str(entry.details)


def test_it_lets_the_right_password_in_again_once_the_lock_ends(client, bob, monkeypatch):
    for n in range(3):
        sign_in(client, "bob", f"guess-{n}")
    assert sign_in(client, "bob", PASSWORD).status_code == 429
    later = time.time() + 901
    monkeypatch.setattr(time, "time", lambda: later)
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_it_forgives_a_usernames_failures_after_a_successful_sign_in(client, bob):
    sign_in(client, "bob", "guess-1")
    sign_in(client, "bob", "guess-2")
    assert sign_in(client, "bob", PASSWORD).status_code == 302
    client.logout()
    # Two more failures would have made four: the count started again.
    assert sign_in(client, "bob", "guess-3").status_code == 200
    assert sign_in(client, "bob", "guess-4").status_code == 200
    assert sign_in(client, "bob", PASSWORD).status_code == 302


def test_it_locks_per_username_without_touching_other_accounts(client, alice, bob):
    for n in range(3):
        sign_in(client, "bob", f"guess-{n}", ip=f"198.51.100.{n}")
    assert sign_in(client, "bob", PASSWORD, ip="198.51.100.9").status_code == 429
    # Another account from the same addresses signs in as usual.
    assert sign_in(client, "alice", PASSWORD, ip="198.51.100.1").status_code == 302


def test_it_locks_an_address_that_guesses_across_many_usernames(client, alice, bob):
    for n in range(5):
        assert sign_in(client, f"someone{n}", "guess", ip="203.0.113.50").status_code in (200, 429)
    refused = sign_in(client, "alice", PASSWORD, ip="203.0.113.50")
    assert refused.status_code == 429
    assert "Too many failed sign-ins for this network address" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    # The same account from another address is not locked.
    assert sign_in(client, "alice", PASSWORD, ip="203.0.113.51").status_code == 302


def test_it_answers_a_locked_attempt_without_checking_the_password(client, bob, monkeypatch):
    for n in range(3):
        sign_in(client, "bob", f"guess-{n}")
    checked = []
    monkeypatch.setattr("django.contrib.auth.forms.authenticate", lambda *a, **kw: checked.append(kw) or None)
    assert sign_in(client, "bob", PASSWORD).status_code == 429
    assert checked == []
