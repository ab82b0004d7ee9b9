"""Server-rendered, accessible SVG bar charts for the training report (no JavaScript).

Every chart is an `<svg role="group">` named by its `<title>` and described by a
`<desc>` listing every figure; each bar with records behind it is a link (keyboard
focusable, named "label: count, see the records"), and the drawn texts are hidden
from screen readers, which read the links and the description instead. The page
pairs every chart with a table of the same figures.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#005a9e"  # 7:1 against white; the labels are #262626
TEXT_COLOUR = "#262626"
FONT = 'font-family="system-ui, sans-serif" font-size="13"'


def _numeric(value) -> int:
    """A suppressed cell ("<5") draws no bar: its size must not leak."""
    return value if isinstance(value, int) else 0


def _label(value) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def _frame(chart_id: str, title: str, description: str, width, height, body) -> str:
    return (
        f'<svg class="training-chart" id="{escape(chart_id)}" role="group" '
        f'aria-labelledby="{escape(chart_id)}-title" '
        f'aria-describedby="{escape(chart_id)}-desc" '
        f'viewBox="0 0 {width} {height}" width="100%" '
        f'preserveAspectRatio="xMinYMin meet" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{''.join(body)}</svg>"
    )


def _bar(label: str, value, link: str, axis: str, drawn: str) -> str:
    """A bar's axis label, then its shapes as a link to the records behind it.

    The link holds the bar and its count only, so that its visible text (the
    count) is part of its accessible name (WCAG 2.5.3, label in name).
    """
    axis = f'<g aria-hidden="true">{axis}</g>'
    if not link:
        return f'{axis}<g aria-hidden="true">{drawn}</g>'
    name = f"{label}: {_label(value)}, see the records"
    return (
        f'{axis}<a class="chart-link" href="{escape(link)}" '
        f'aria-label="{escape(name)}"><g aria-hidden="true">{drawn}</g></a>'
    )


def horizontal_bar_chart(
    *,
    chart_id: str,
    title: str,
    items: list[tuple[str, object, str]],
    limit: int = 10,
) -> SafeString:
    """Bars for the `limit` largest items (label, count, link), largest first."""
    shown = sorted(items, key=lambda item: -_numeric(item[1]))[:limit]
    largest = max([_numeric(item[1]) for item in shown] or [0]) or 1
    label_width, bar_width, row_height = 190, 330, 26
    width, height = label_width + bar_width + 70, max(row_height * len(shown), 30) + 8
    body = []
    for index, (label, value, link) in enumerate(shown):
        y = 4 + index * row_height
        length = round(bar_width * _numeric(value) / largest, 1)
        text = escape(label if len(label) <= 28 else label[:27] + "…")
        axis = (
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}" {FONT}>{text}</text>'
        )
        drawn = (
            f'<rect class="chart-bar" x="{label_width}" y="{y + 3}" '
            f'width="{length}" height="{row_height - 8}" fill="{BAR_COLOUR}" '
            f'data-value="{escape(_label(value))}">'
            f"<title>{escape(label)}: {escape(_label(value))}</title></rect>"
            f'<text x="{label_width + length + 6}" y="{y + 17}" '
            f'fill="{TEXT_COLOUR}" {FONT}>{escape(_label(value))}</text>'
        )
        body.append(_bar(label, value, link, axis, drawn))
    if not shown:
        body.append(
            f'<text x="8" y="20" fill="{TEXT_COLOUR}" {FONT}>No figures.</text>'
        )
    description = "; ".join(f"{item[0]}: {_label(item[1])}" for item in shown)
    return mark_safe(  # noqa: S308 - every text above is escaped
        _frame(chart_id, title, description or "No figures.", width, height, body)
    )


def column_chart(
    *, chart_id: str, title: str, items: list[tuple[str, int, str]]
) -> SafeString:
    """One column per item (label, count, link) in order (a trend per month).

    Under each column, the label's first three letters ("Jan"); the whole label
    names the column's link and its entry in the description.
    """
    largest = max([_numeric(item[1]) for item in items] or [0]) or 1
    column_width, plot_height, top, bottom = 44, 160, 22, 26
    width = max(column_width * len(items), column_width) + 16
    height = top + plot_height + bottom
    body = [
        f'<line x1="8" y1="{top + plot_height}" x2="{width - 8}" '
        f'y2="{top + plot_height}" stroke="{TEXT_COLOUR}" stroke-width="1"/>'
    ]
    for index, (label, value, link) in enumerate(items):
        x = 8 + index * column_width
        size = round(plot_height * _numeric(value) / largest, 1)
        drawn = (
            f'<rect class="chart-bar" x="{x + 6}" y="{top + plot_height - size}" '
            f'width="{column_width - 12}" height="{size}" fill="{BAR_COLOUR}" '
            f'data-value="{escape(_label(value))}">'
            f"<title>{escape(label)}: {escape(_label(value))}</title></rect>"
            f'<text x="{x + column_width / 2}" y="{top + plot_height - size - 5}" '
            f'text-anchor="middle" fill="{TEXT_COLOUR}" {FONT}>'
            f"{escape(_label(value))}</text>"
        )
        axis = (
            f'<text x="{x + column_width / 2}" y="{height - 8}" text-anchor="middle" '
            f'fill="{TEXT_COLOUR}" {FONT}>{escape(label[:3])}</text>'
        )
        body.append(_bar(label, value, link, axis, drawn))
    description = "; ".join(f"{item[0]}: {_label(item[1])}" for item in items)
    return mark_safe(  # noqa: S308 - every text above is escaped
        _frame(chart_id, title, description or "No figures.", width, height, body)
    )
