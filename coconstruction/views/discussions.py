"""Pages of discussions."""

urlpatterns = []
