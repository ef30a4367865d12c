"""Community models, one module per area; import from `community.models`."""

from community.models.communities import (
    AuditEntry,
    Community,
    ErasurePolicy,
    Invitation,
    Membership,
    ModerationMode,
    Role,
    generate_pseudonym,
)
from community.models.discussions import (
    Discussion,
    DiscussionKind,
    Post,
    PostRevision,
    PostStatus,
    Visibility,
)

__all__ = [
    "AuditEntry",
    "Community",
    "Discussion",
    "DiscussionKind",
    "ErasurePolicy",
    "Invitation",
    "Membership",
    "ModerationMode",
    "Post",
    "PostRevision",
    "PostStatus",
    "Role",
    "Visibility",
    "generate_pseudonym",
]
