"""Scorecards: the default dimensions, validation, one response per member, roles and the summary."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from community.models import Role, ScorecardRating, ScorecardResponse
from community.selectors_engagement import scorecard_summary
from community.services.scorecards import scorecard_ensure, scorecard_set_dimensions, scorecard_submit
from tests.community.engagement_helpers import participant, scorecard_activity
from tests.conftest import membership_of


@pytest.fixture
def activity(community):
    return scorecard_activity(community)


@pytest.fixture
def scorecard(activity):
    return scorecard_ensure(discussion=activity)


def _all(scorecard, value):
    return {d.pk: value for d in scorecard.dimensions.all()}


def _form(scorecard, value):
    return {f"dimension_{d.pk}": value for d in scorecard.dimensions.all()}


def test_it_prefills_the_five_perception_dimensions(scorecard):
    assert [d.name for d in scorecard.dimensions.all()] == [
        "Privacy",
        "Personalization",
        "Understanding me",
        "Consistency across channels",
        "Relevance of communications",
    ]


def test_it_lets_a_participant_rate_the_brand_from_the_page(bob, community, activity, scorecard, client):
    client.force_login(bob)
    url = reverse("scorecard_answer", args=["acme", activity.pk])
    assert "Understanding me" in client.get(url).content.decode()
    response = client.post(url, _form(scorecard, 18))
    assert response.status_code == 302
    answer = ScorecardResponse.objects.get()
    assert answer.member == membership_of(bob, community)
    assert answer.respondent_role == Role.PARTICIPANT
    assert sorted(answer.ratings.values_list("value", flat=True)) == [18] * 5


@pytest.mark.parametrize("bad", [26, -1, "12.5", "lots", ""])
def test_it_rejects_a_rating_off_the_0_to_25_scale_and_saves_nothing(bad, bob, community, scorecard):
    ratings = _all(scorecard, 10)
    privacy = scorecard.dimensions.get(name="Privacy")
    ratings[privacy.pk] = bad
    with pytest.raises(ValidationError) as exc:
        scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=ratings)
    message = " ".join(exc.value.message_dict[f"dimension_{privacy.pk}"])
    assert "Privacy" in message and "0 to 25" in message
    assert not ScorecardResponse.objects.exists()
    assert not ScorecardRating.objects.exists()


def test_it_requires_every_dimension(bob, community, scorecard):
    ratings = _all(scorecard, 10)
    missing = scorecard.dimensions.get(name="Understanding me")
    del ratings[missing.pk]
    with pytest.raises(ValidationError) as exc:
        scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=ratings)
    assert "Understanding me" in " ".join(exc.value.message_dict[f"dimension_{missing.pk}"])
    assert not ScorecardResponse.objects.exists()


def test_it_shows_the_limit_on_the_page_for_an_out_of_range_rating(bob, activity, scorecard, client):
    client.force_login(bob)
    data = _form(scorecard, 30)
    response = client.post(reverse("scorecard_answer", args=["acme", activity.pk]), data)
    assert response.status_code == 400
    assert "goes from 0 to 25" in response.content.decode()
    assert not ScorecardResponse.objects.exists()


def test_it_keeps_one_response_per_member_and_lets_them_change_it(bob, community, scorecard):
    member = membership_of(bob, community)
    scorecard_submit(scorecard=scorecard, member=member, ratings=_all(scorecard, 5))
    scorecard_submit(scorecard=scorecard, member=member, ratings=_all(scorecard, 20))
    assert ScorecardResponse.objects.count() == 1
    assert sorted(ScorecardRating.objects.values_list("value", flat=True)) == [20] * 5


def test_it_records_a_clients_answers_as_the_brands_self_assessment(
    carol, community, activity, scorecard, client
):
    client.force_login(carol)
    page = client.get(reverse("scorecard_answer", args=["acme", activity.pk]))
    assert "self-assessment" in page.content.decode()
    # A client can't pass as a customer, whatever the form says.
    client.post(
        reverse("scorecard_answer", args=["acme", activity.pk]),
        {**_form(scorecard, 22), "respondent_role": "participant", "role": "participant"},
    )
    assert ScorecardResponse.objects.get().respondent_role == Role.CLIENT


def test_it_refuses_moderators_answering(alice, community, activity, scorecard, client):
    with pytest.raises(PermissionDenied):
        scorecard_submit(
            scorecard=scorecard, member=membership_of(alice, community), ratings=_all(scorecard, 3)
        )
    client.force_login(alice)
    response = client.post(reverse("scorecard_answer", args=["acme", activity.pk]), _form(scorecard, 3))
    assert response.status_code == 302
    assert response["Location"] == reverse("scorecard_results", args=["acme", activity.pk])
    assert not ScorecardResponse.objects.exists()


def test_it_answers_not_found_to_outsiders_and_untargeted_participants(eve, community, client):
    activity = scorecard_activity(community, target_segments=["in store"])
    scorecard = scorecard_ensure(discussion=activity)
    app_user = participant(community, "hal", segments=["app users"])
    with pytest.raises(PermissionDenied):
        scorecard_submit(scorecard=scorecard, member=app_user, ratings=_all(scorecard, 3))
    for user in (eve, app_user.user):
        client.force_login(user)
        assert client.get(reverse("scorecard_answer", args=["acme", activity.pk])).status_code == 404
        assert (
            client.post(
                reverse("scorecard_answer", args=["acme", activity.pk]), _form(scorecard, 3)
            ).status_code
            == 404
        )
    assert not ScorecardResponse.objects.exists()


def test_it_refuses_answers_once_the_scorecard_closed(bob, community, scorecard):
    from django.utils import timezone

    activity = scorecard.discussion
    activity.closes_at = timezone.now() - timezone.timedelta(minutes=1)
    activity.save(update_fields=["closes_at"])
    with pytest.raises(ValidationError):
        scorecard_submit(
            scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 3)
        )


def test_it_shows_results_to_moderators_and_clients_but_not_participants(
    alice, bob, carol, eve, activity, scorecard, client
):
    url = reverse("scorecard_results", args=["acme", activity.pk])
    for user, expected in ((alice, 200), (carol, 200), (bob, 404), (eve, 404)):
        client.force_login(user)
        assert client.get(url).status_code == expected, user.username


def test_it_summarises_participants_against_the_brands_self_assessment(bob, carol, community, scorecard):
    other = participant(community, "ida")
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 10))
    scorecard_submit(scorecard=scorecard, member=other, ratings=_all(scorecard, 15))
    scorecard_submit(scorecard=scorecard, member=membership_of(carol, community), ratings=_all(scorecard, 20))
    summary = scorecard_summary(community=community)
    assert [row["dimension"] for row in summary][0] == "Privacy"
    privacy = summary[0]
    assert privacy["participant_mean"] == 12.5 and privacy["participant_count"] == 2
    assert privacy["client_mean"] == 20.0 and privacy["client_count"] == 1
    assert privacy["gap"] == 7.5


def test_it_leaves_the_gap_empty_when_one_side_has_not_answered(bob, community, scorecard):
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 10))
    row = scorecard_summary(community=community)[0]
    assert row["client_mean"] is None and row["gap"] is None


def test_it_lets_moderators_change_dimensions_only_before_anyone_answers(
    alice, bob, carl_like, community, scorecard
):
    moderator = membership_of(alice, community)
    scorecard_set_dimensions(
        scorecard=scorecard, actor=moderator, dimensions=[("Trust", ""), ("Value", "For money")]
    )
    assert [d.name for d in scorecard.dimensions.all()] == ["Trust", "Value"]
    with pytest.raises(PermissionDenied):
        scorecard_set_dimensions(scorecard=scorecard, actor=carl_like, dimensions=[("Trust", "")])
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 9))
    with pytest.raises(ValidationError) as exc:
        scorecard_set_dimensions(scorecard=scorecard, actor=moderator, dimensions=[("Other", "")])
    assert "dimensions" in exc.value.message_dict
    assert [d.name for d in scorecard.dimensions.all()] == ["Trust", "Value"]


@pytest.fixture
def carl_like(community):
    return participant(community, "carl")


def test_it_shows_results_in_a_constant_number_of_queries(
    alice, community, activity, scorecard, client, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("scorecard_results", args=["acme", activity.pk])
    client.get(url)
    with django_assert_max_num_queries(8) as few:
        client.get(url)
    for i in range(12):
        scorecard_submit(
            scorecard=scorecard, member=participant(community, f"p{i}"), ratings=_all(scorecard, i)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "(12)" in response.content.decode()


def test_it_points_a_client_from_their_home_to_the_self_assessment_until_answered(
    bob, carol, community, activity, scorecard, client, django_assert_max_num_queries
):
    from community.selectors_engagement import client_self_assessments

    home = reverse("community_home", args=["acme"])
    answer = reverse("scorecard_answer", args=["acme", activity.pk])
    client.force_login(carol)
    page = client.get(home).content.decode()
    assert "Your team's self-assessment" in page and answer in page and "not answered yet" in page
    assert reverse("research:gap", args=["acme"]) in page
    scorecard_submit(member=membership_of(carol, community), scorecard=scorecard, ratings=_all(scorecard, 20))
    assert "not answered yet" not in client.get(home).content.decode()
    carols = membership_of(carol, community)
    with django_assert_max_num_queries(1):
        assert [i["answered"] for i in client_self_assessments(carols)] == [True]
    # Participants rate the brand too, but not "for the team": their home has no such card.
    client.force_login(bob)
    assert "Your team's self-assessment" not in client.get(home).content.decode()


def test_it_names_both_ends_of_the_scale_beside_every_rating(bob, community, activity, scorecard, client):
    client.force_login(bob)
    page = client.get(reverse("scorecard_answer", args=["acme", activity.pk])).content.decode()
    assert page.count("<strong>0</strong> Not at all") == 5
    assert page.count("<strong>25</strong> Completely") == 5
    assert page.count('type="range"') == 5 and page.count('type="number"') == 5
    # Screen readers hear the ends with each field's description; the slider is not a second field.
    assert page.count("From 0 (not at all) to 25 (completely).") == 5
    assert 'type="range"' in page and 'name="dimension_' not in page.split('type="range"')[1].split(">")[0]
    # A slider cannot be empty: unanswered, it shows as not yet set rather than preset to a value.
    assert page.count("scale-slider is-unset") == 5


def test_the_scorecards_activity_page_does_not_claim_it_has_no_responses(
    bob, community, activity, scorecard, client
):
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 12))
    client.force_login(bob)
    page = client.get(reverse("discussion_detail", args=["acme", activity.pk])).content.decode()
    assert "No responses yet." not in page


def test_the_way_in_says_change_once_a_participant_has_rated(bob, community, activity, scorecard, client):
    client.force_login(bob)
    url = reverse("discussion_detail", args=["acme", activity.pk])
    assert ">Rate Acme</a>" in client.get(url).content.decode()
    scorecard_submit(scorecard=scorecard, member=membership_of(bob, community), ratings=_all(scorecard, 12))
    page = client.get(url).content.decode()
    assert ">Change your ratings of Acme</a>" in page and ">Rate Acme</a>" not in page
