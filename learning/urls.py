"""Site URLs: accounts, admin, health, then Wagtail's pages under a language prefix."""

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from irooms import views as irooms_views
from learning.core import views as core_views

# One way in: Django's admin log-in is allauth's too (rate limits and MFA).
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    # One way in: Wagtail's own log-in page hands over to allauth's.
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="account_login", query_string=True),
    ),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    # Wagtail's document serve view, wrapped so that a room's downloads are counted
    # once the whole file was sent (the membership check is a Wagtail hook).
    re_path(
        r"^documents/(\d+)/(.*)$",
        irooms_views.document_serve,
        name="irooms_document_serve",
    ),
    path("documents/", include(wagtaildocs_urls)),
    # Every image rendition, public or a room's, after a check (irooms.protected).
    path(
        "renditions/<path:name>",
        irooms_views.image_rendition_serve,
        name="image_rendition_serve",
    ),
    # xAPI clients expect fixed resource paths: no language prefix.
    path("xapi/", include("xapi.urls")),
    # Learning records: /api/v1/track/, /api/v1/reports/training/, survey links.
    path("", include("learning.records.urls")),
]

urlpatterns += i18n_patterns(
    path("accounts/", include("allauth.urls")),
    path("profile/", include("learning.accounts.urls")),
    path("learn/", include("courses.urls")),
    path("webinars/", include("webinars.urls")),
    # A room's own URLs (resources, sessions, discussions...): members only.
    path("irooms/", include("irooms.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    # No media files: images, documents and every private file go through views
    # that check permission first, in development as in production.
    urlpatterns = staticfiles_urlpatterns() + urlpatterns
