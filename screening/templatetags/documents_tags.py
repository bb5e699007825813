"""Template filters of decision documents: visible blanks highlighted in the HTML view."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from screening.documents.document import BLANK_MARK

register = template.Library()


@register.filter
def blanks(text: str) -> SafeString:
    """The text escaped, each 【待填：…】 blank wrapped in <mark class="blank">."""
    pieces, rest = [], str(text or "")
    while (start := rest.find(BLANK_MARK)) != -1:
        end = rest.find("】", start)
        end = len(rest) if end == -1 else end + 1
        pieces += [("", rest[:start]), ("blank", rest[start:end])]
        rest = rest[end:]
    pieces.append(("", rest))
    return format_html_join(
        "",
        "{}",
        (
            (format_html('<mark class="blank">{}</mark>', piece) if kind else piece,)
            for kind, piece in pieces
            if piece
        ),
    )
