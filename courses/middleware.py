"""Pages routed from the content cache instead of Wagtail's tree walk."""

from wagtail import views as wagtail_views

from courses.selectors import page_route


class PageRouteMiddleware:
    """Before Wagtail serves a page, find its route through `page_route`.

    Wagtail's serve view then reuses that route (it keeps one per request), so a
    course page or a room (ROUTE_CACHED_TYPES) it has found before costs one cache
    read instead of a walk down the page tree; any other page is routed by Wagtail
    as ever, just earlier.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if view_func is wagtail_views.serve:
            path = view_kwargs.get("path", view_args[0] if view_args else "")
            page_route(request=request, path=path)
        return None
