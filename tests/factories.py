"""factory_boy factories shared by every test module."""

from __future__ import annotations

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from community.models import Community, Discussion, Membership, Post, PostStatus, Role

User = get_user_model()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    first_name = factory.LazyAttribute(lambda u: u.username.capitalize())
    password = factory.django.Password("correct horse battery")


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Community {n}")
    slug = factory.Sequence(lambda n: f"community-{n}")
    brand_name = "Northwind"
    brand_aliases = factory.LazyFunction(lambda: ["NW"])
    competitor_brands = factory.LazyFunction(lambda: ["Southgate"])


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    community = factory.SubFactory(CommunityFactory)
    role = Role.PARTICIPANT
    pseudonym = factory.Sequence(lambda n: f"Member {n}")
    consent_version = factory.LazyAttribute(lambda m: m.community.consent_version)
    consented_at = factory.LazyFunction(timezone.now)


class DiscussionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Discussion

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Activity {n}")
    prompt = "Tell us about your last visit."
    is_draft = False
    position = factory.Sequence(lambda n: n)


class PostFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Post

    discussion = factory.SubFactory(DiscussionFactory)
    community = factory.LazyAttribute(lambda p: p.discussion.community)
    author = factory.SubFactory(MembershipFactory, community=factory.SelfAttribute("..community"))
    body = "The staff were lovely but the app forgets my size."
    status = PostStatus.PUBLISHED
