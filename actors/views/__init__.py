"""The views of actors, by sub-domain (actors/urls.py names each one):

organizations  the list and page of an organisation, a local group's creation, editing,
               validation and its queue, the history
members        members, invitations, roles, leaving
municipal      municipal contacts: the request, the town hall's link, the queue
common         the organisation of the URL, as its viewer may see it
"""
