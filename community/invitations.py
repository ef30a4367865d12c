"""Signed, expiring, single-use invitation links.

The emailed link carries `Invitation.token` signed with a timestamp, so a link
expires after `VERBATIM["INVITATION_MAX_AGE_DAYS"]` without any stored expiry
and cannot be forged or altered. Single use and revocation are checked against
the row itself.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from community.models import Invitation

_SALT = "verbatim.invitation"


class InvitationError(Exception):
    """Why a link cannot be used; `reason` picks the page the visitor sees."""

    INVALID = "invalid"
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    WRONG_COMMUNITY = "wrong_community"

    def __init__(self, reason: str, invitation: Invitation | None = None):
        super().__init__(reason)
        self.reason = reason
        self.invitation = invitation


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALT)


def max_age() -> timedelta:
    return timedelta(days=settings.VERBATIM["INVITATION_MAX_AGE_DAYS"])


def invitation_signed_token(invitation: Invitation) -> str:
    return _signer().sign(invitation.token)


def invitation_path(invitation: Invitation) -> str:
    return reverse(
        "invitation_accept",
        kwargs={"slug": invitation.community.slug, "signed": invitation_signed_token(invitation)},
    )


def invitation_url(invitation: Invitation) -> str:
    """The invitation's absolute link, as emailed (`community.services.memberships.link_base`)."""
    from community.services.memberships import link_base  # memberships imports this module

    return f"{link_base()}{invitation_path(invitation)}"


def invitation_from_signed(*, signed: str, community_slug: str) -> Invitation:
    """The invitation a link stands for, if it may still be used; InvitationError otherwise."""
    try:
        token = _signer().unsign(signed, max_age=max_age())
    except signing.SignatureExpired:
        # Still tell the visitor which community it was for, if the token itself is genuine.
        token = _signer().unsign(signed)
        invitation = Invitation.objects.select_related("community").filter(token=token).first()
        raise InvitationError(InvitationError.EXPIRED, invitation) from None
    except signing.BadSignature:
        raise InvitationError(InvitationError.INVALID) from None
    invitation = Invitation.objects.select_related("community").filter(token=token).first()
    if invitation is None:
        raise InvitationError(InvitationError.INVALID)
    if invitation.community.slug != community_slug:
        raise InvitationError(InvitationError.WRONG_COMMUNITY, invitation)
    if invitation.revoked_at is not None:
        raise InvitationError(InvitationError.REVOKED, invitation)
    if invitation.accepted_at is not None:
        raise InvitationError(InvitationError.USED, invitation)
    return invitation
