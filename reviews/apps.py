from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = _("Reviews")

    def ready(self):
        # Offers "add to a review meeting" among the bulk actions of the application list.
        from reviews import bulk  # noqa: F401
