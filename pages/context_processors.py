"""Template context of every page: whether the user has a « Ma commune » page, asked
only by the templates that show the link (the account navigation), at most once."""

from django.utils.functional import SimpleLazyObject

from actors.models import MunicipalContact


def my_commune(request):
    user = getattr(request, "user", None)

    def has_my_commune():
        if user is None or not user.is_authenticated:
            return False
        return MunicipalContact.objects.filter(user=user, status=MunicipalContact.Status.VERIFIED).exists()

    return {"has_my_commune": SimpleLazyObject(has_my_commune)}
