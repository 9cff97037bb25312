"""Pages of meetings."""

urlpatterns = []
