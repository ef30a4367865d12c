"""Writes, one module per area (memberships, posts, ...). Import from the module, e.g.
`from community.services.memberships import invitation_create`."""
