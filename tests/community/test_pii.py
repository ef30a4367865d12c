from community.pii import redact_contact_details


def test_it_redacts_emails_phones_urls_and_street_addresses():
    text = (
        "Email me at jo.bloggs+shop@example.co.uk or ring 07700 900123; "
        "I live at 23 Ormeau Park View and my blog is www.jos-finds.com/style."
    )
    redacted = redact_contact_details(text)
    for secret in ("jo.bloggs", "07700", "Ormeau", "jos-finds"):
        assert secret not in redacted
    assert "[EMAIL]" in redacted and "[PHONE]" in redacted and "[ADDRESS]" in redacted and "[URL]" in redacted


def test_it_keeps_prices_years_and_durations():
    text = "In 2024 I paid 45.99 and waited 20 minutes on the way to 3 shops."
    assert redact_contact_details(text) == text


def test_it_redacts_given_names_as_whole_words_only():
    assert redact_contact_details("Ask for Sam at the till", names=["Sam"]) == "Ask for [NAME] at the till"
    assert redact_contact_details("Samples were free", names=["Sam"]) == "Samples were free"


def test_it_shows_clients_a_redacted_post_and_moderators_the_original(client, alice, bob, carol, community):
    from django.urls import reverse

    from community.services.posts import post_create
    from tests.conftest import membership_of
    from tests.factories import DiscussionFactory

    discussion = DiscussionFactory(community=community)
    post_create(
        author=membership_of(bob, community),
        discussion=discussion,
        body="I'm Bob; reach me on bob.p@example.com or at 12 Larch Close.",
        rate_limit=False,
    )
    url = reverse("discussion_detail", kwargs={"slug": community.slug, "discussion_id": discussion.pk})

    client.force_login(carol)
    seen_by_client = client.get(url).content.decode()
    assert "bob.p@example.com" not in seen_by_client
    assert "Larch Close" not in seen_by_client
    assert "I&#x27;m Bob" not in seen_by_client and "I'm Bob" not in seen_by_client
    assert "[EMAIL]" in seen_by_client and "[ADDRESS]" in seen_by_client

    client.force_login(alice)
    assert "bob.p@example.com" in client.get(url).content.decode()
