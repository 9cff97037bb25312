"""Pages of workgroups."""

urlpatterns = []
