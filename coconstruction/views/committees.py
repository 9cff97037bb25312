"""Pages of committees."""

urlpatterns = []
