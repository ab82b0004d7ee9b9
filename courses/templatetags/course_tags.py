"""Template tags of course pages."""

from django import template

from courses.selectors import course_nav_items_html

register = template.Library()


@register.simple_tag
def course_nav_items(course, outline, page, progress=None):
    """The course menu's items, the current page and the learner's done ones marked."""
    return course_nav_items_html(
        course=course, outline=outline, current=page, progress=progress or None
    )
