from django.apps import AppConfig


class PagesConfig(AppConfig):
    name = "pages"

    def ready(self):
        # The home page kept whole for anonymous visitors: its figures count campaigns,
        # groups ("national") and engaged communes (core/pagecache.py).
        from core import pagecache

        pagecache.register_page("pages:home", lambda kwargs: ["campaigns", pagecache.ACTIVITY])

        from actors.signals import municipal_contact_verified
        from commitments.signals import deliberation_recorded

        from . import handoffs

        # The hand-offs' emails (handoffs.py): pages knows everyone concerned.
        deliberation_recorded.connect(handoffs.deliberation_recorded, dispatch_uid="pages_deliberation")
        municipal_contact_verified.connect(
            handoffs.municipal_contact_verified, dispatch_uid="pages_contact_verified"
        )
