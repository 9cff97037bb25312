"""Pages of calendars."""

urlpatterns = []
