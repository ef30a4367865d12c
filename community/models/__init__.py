"""Community models, one module per area; import from `community.models`."""

from community.models.communities import (
    AuditEntry,
    Community,
    ErasedName,
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
from community.models.live import (
    LiveConnection,
    LiveMessage,
    LiveMessageKind,
    LiveQuestion,
    LiveSession,
    LiveState,
    LiveStream,
)
from community.models.media import PostImage
from community.models.moderation import Flag
from community.models.notifications import Notification, NotificationKind, Reminder
from community.models.probes import Probe
from community.models.scorecards import (
    DEFAULT_DIMENSIONS,
    SCORE_MAX,
    SCORE_MIN,
    Scorecard,
    ScorecardDimension,
    ScorecardRating,
    ScorecardResponse,
)

__all__ = [
    "LiveConnection",
    "LiveMessage",
    "LiveMessageKind",
    "LiveQuestion",
    "LiveSession",
    "LiveState",
    "LiveStream",
    "DEFAULT_DIMENSIONS",
    "Notification",
    "NotificationKind",
    "Probe",
    "Reminder",
    "SCORE_MAX",
    "SCORE_MIN",
    "Scorecard",
    "ScorecardDimension",
    "ScorecardRating",
    "ScorecardResponse",
    "AuditEntry",
    "Community",
    "Discussion",
    "DiscussionKind",
    "ErasedName",
    "ErasurePolicy",
    "Flag",
    "Invitation",
    "Membership",
    "ModerationMode",
    "Post",
    "PostImage",
    "PostRevision",
    "PostStatus",
    "Role",
    "Visibility",
    "generate_pseudonym",
]
