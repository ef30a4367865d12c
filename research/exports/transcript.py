"""A discussion as plain text: the prompt, then each response with its replies indented."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone

from community.models import Discussion, Membership, Post
from research.exports.common import author_name_for, post_text_for
from research.exports.selectors import export_posts


def _indent(text: str, prefix: str) -> str:
    return (
        "\n".join(prefix + line if line else prefix.rstrip() for line in (text or "").splitlines()) or prefix
    )


def transcript_lines(*, reader: Membership, discussion: Discussion) -> Iterator[str]:
    """Lines of the transcript, each ending in a newline. One query for any number of posts."""
    community = discussion.community
    posts = list(export_posts(community=community, discussion=discussion))
    replies: dict[int, list[Post]] = defaultdict(list)
    top: list[Post] = []
    ids = {p.pk for p in posts}
    for post in posts:
        # A reply whose parent is not exported (e.g. a reply to a reply) still appears, at top level.
        if post.parent_id and post.parent_id in ids:
            replies[post.parent_id].append(post)
        else:
            top.append(post)
    yield f"{community.name}: {discussion.title}\n"
    role = "researcher" if reader.is_moderator else "client (pseudonymised, personal details removed)"
    yield f"Exported {timezone.now():%Y-%m-%d %H:%M %Z} for a {role}\n"
    if discussion.prompt:
        yield "\nPrompt:\n" + _indent(discussion.prompt, "  ") + "\n"
    n_replies = len(posts) - len(top)
    yield (
        f"\n{len(top)} response{'s' if len(top) != 1 else ''}, "
        f"{n_replies} repl{'ies' if n_replies != 1 else 'y'}\n"
    )

    def render(post: Post, depth: int) -> Iterator[str]:
        pad = "    " * depth
        when = timezone.localtime(post.created_at).strftime("%Y-%m-%d %H:%M")
        yield f"\n{pad}[{when}] {author_name_for(reader, post.author)} (post {post.pk}):\n"
        yield _indent(post_text_for(reader, post), pad + "  ") + "\n"
        for reply in replies.get(post.pk, []):
            yield from render(reply, depth + 1)

    for post in top:
        yield from render(post, 0)
