from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from community.access import get_community_for_member


@login_required
def home(request):
    return render(request, "community/home.html")


@login_required
def community_home(request, slug: str):
    community, membership = get_community_for_member(request.user, slug)
    return render(
        request, "community/community_home.html", {"community": community, "membership": membership}
    )
