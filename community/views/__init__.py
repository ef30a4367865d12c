"""Views, one module per area (home, accounts, members, discussions, moderation, ...).

Each module stays thin: check access with `community.access`, call a service or
selector, render. `community/urls.py` imports the modules directly.
"""
