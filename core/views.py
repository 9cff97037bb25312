from django.shortcuts import render
from django.views.decorators.http import require_GET

from territories.models import Region


@require_GET
def home(request):
    return render(request, "core/home.html", {"regions": Region.objects.order_by("name")})
