from django.contrib import admin

from applications.models import Batch
from zaozhuang_titles.admin import PortalModelAdmin


@admin.register(Batch)
class BatchAdmin(PortalModelAdmin):
    list_display = ["name", "year", "level", "channel", "status", "opens_at", "closes_at"]
    list_filter = ["status", "channel", "year"]
    search_fields = ["name"]
