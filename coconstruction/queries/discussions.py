"""The discussions shown on a subject's page (the discussions helper fills this in)."""


def discussion_panel(request, *, meeting=None, working_group=None, commune=None, item=None):
    """The context of coconstruction/discussions/panel.html for one subject."""
    return {"threads": [], "meeting": meeting, "working_group": working_group, "commune": commune, "item": item}
