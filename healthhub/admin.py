"""The admin's site-wide pages: site settings, and the tag vocabulary (healthhub/tags/admin.py)."""

from django.contrib import admin

from healthhub.models import SiteSettings
from healthhub.tags import admin as tag_admin  # noqa: F401 (registers the tag admin)

admin.site.site_header = "healthhub editors"
admin.site.site_title = "healthhub editors"
admin.site.index_title = "Content"


@admin.register(SiteSettings)
class SiteSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not SiteSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
