"""What the views of actors share: the organisation of the URL, as its viewer may see it."""

from django.http import Http404

from .. import queries


def organization_or_404(request, slug):
    """The organisation, if this user may see it; a 404 otherwise, whatever the reason."""
    organization = queries.organization_for_viewer(slug, request.user)
    if organization is None:
        raise Http404
    return organization
