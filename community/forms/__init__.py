"""Forms, one module per area; import from the module, e.g. `community.forms.members`."""
