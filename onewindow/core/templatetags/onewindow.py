"""Template helpers shared by every app's pages."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.forms import BoundField
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import pgettext

from onewindow.core.language import is_english

register = template.Library()

# Han characters (CJK Unified Ideographs, Extension A, Compatibility Ideographs): text
# holding one is Chinese, at least in part. CJK punctuation alone is not: an English
# list of choices may be joined by "、".
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_HAN = re.compile(f"[{_HAN}]")
# A run of Chinese, from a Han character to the last of its neighbours, with the CJK
# punctuation and full-width forms between them ("上海市，黄浦区"), and the full-width
# brackets opening before it: "申请金额（元）" and "「审核」" are Chinese to their ends.
# Other punctuation around a run (ASCII) is the sentence's.
_OPENING = "\uff08\u3008\u300a\u300c\u300e\u3010\u3014\u3016\u3018\u301a"  # （〈《「『【〔〖〘〚
# CJK punctuation and full-width forms right after a run are its own too: an English
# page never ends a sentence with "。" (QA: a department's note on an English notice left
# its full stop outside, read by the English voice).
_CHINESE_RUN = re.compile(
    f"[{_OPENING}]*[{_HAN}](?:[{_HAN}\u3000-\u303f\uff00-\uffef]*[{_HAN}])?"
    "[\u3000-\u303f\uff00-\uffef]*"
)


def _field(obj: Any, name: str) -> Any:
    value = getattr(obj, name, None)
    if value is None and isinstance(obj, dict):
        value = obj.get(name)
    return value


def _localized(obj: Any, field: str) -> tuple[str, bool]:
    """The text, and whether an English page shows the Chinese one for want of English."""
    if obj is None:
        return "", False
    english_page = is_english()
    if english_page and (english := _field(obj, f"{field}_en")):
        return str(english), False
    text = str(_field(obj, field) or "")
    return text, english_page and bool(text)


@register.filter
def localized(obj: Any, field: str = "name") -> str:
    """``obj.<field>_en`` when the page is in English and it is filled, else ``obj.<field>``:
    ``{{ department|localized }}``, ``{{ version|localized:"summary" }}``."""
    return _localized(obj, field)[0]


@register.filter
def localized_marked(obj: Any, field: str = "name") -> SafeString:
    """``localized``, with the Chinese text an English page falls back to marked as
    Chinese (``<span lang="zh-Hans">``), so that a screen reader reads it as Chinese."""
    text, fell_back = _localized(obj, field)
    if fell_back:
        return format_html('<span lang="zh-Hans">{}</span>', text)
    return conditional_escape(text)


@register.filter
def chinese_marked(text: Any) -> SafeString:
    """Text whose language nobody declared (an applicant's answer, a search word) as an
    English page shows it: marked as Chinese (``<span lang="zh-Hans">``) when it holds a
    Chinese character, so that a screen reader reads it with a Chinese voice. Mixed text
    ("人民大道 200 号", "Room 3, 人民大道") is marked whole: a Chinese voice reads Latin
    letters and digits, an English one cannot read Chinese. Safe text keeps its markup:
    ``{{ answer|linebreaksbr|chinese_marked }}``."""
    shown = conditional_escape("" if text is None else text)
    if is_english() and _HAS_HAN.search(shown):
        return format_html('<span lang="zh-Hans">{}</span>', shown)
    return shown


@register.filter
def chinese_terms_marked(text: Any) -> SafeString:
    """Interface text quoting Chinese terms, such as a choice's label "Administrative
    licensing (行政许可)", with each run of Chinese marked as Chinese on an English page
    (on a Chinese page the whole page is)."""
    shown = conditional_escape("" if text is None else text)
    if not is_english():
        return shown
    # The runs hold no markup characters, which escaping left as entities.
    return SafeString(_CHINESE_RUN.sub(r'<span lang="zh-Hans">\g<0></span>', shown))


def _paired_language(field: BoundField) -> str:
    if field.name.endswith("_en"):
        return "en" if field.name.removesuffix("_en") in field.form.fields else ""
    return "zh-Hans" if f"{field.name}_en" in field.form.fields else ""


@register.filter
def with_lang(field: BoundField) -> SafeString:
    """A form field's control, saying which language its text is in when the form pairs
    it with another as the models do (``localized``): ``<name>_en`` is English, and
    ``<name>`` beside it Chinese. A screen reader then reads what was typed in the right
    voice, and the browser checks its spelling in the right language. Other fields are
    rendered as ``{{ field }}`` renders them."""
    language = _paired_language(field)
    if not language:
        return SafeString(str(field))
    shown = field.as_widget(attrs={"lang": language})
    if field.field.show_hidden_initial:
        shown += field.as_hidden(only_initial=True)
    return SafeString(shown)


class TableScrollNode(template.Node):
    def __init__(self, nodelist: NodeList, labelledby: FilterExpression) -> None:
        self.nodelist = nodelist
        self.labelledby = labelledby

    def render(self, context: template.Context) -> SafeString:
        return format_html(
            '<div class="table-scroll" role="region" tabindex="0" aria-labelledby="{}">{}</div>',
            self.labelledby.resolve(context),
            self.nodelist.render(context),  # rendered, so already escaped
        )


@register.tag
def table_scroll(parser: Parser, token: Token) -> TableScrollNode:
    """``{% table_scroll "caption-id" %}<table>…</table>{% endtable_scroll %}``: a table
    that may be wider than the screen, in a box that scrolls sideways instead of the page
    (site.css). Every table is in one, a stacked one too (cards on a phone and a tablet,
    but a table again wider, where larger text can make it need more than the page has),
    so that keyboard users can scroll it: the box takes the focus (``tabindex="0"``; arrow
    keys then scroll it) and is a region named by the id given, the table's caption or
    the heading over it. site.js keeps it so only while the table overflows it: one Tab
    stop less for a table that fits; without JavaScript every box stays a stop."""
    bits = token.split_contents()
    if len(bits) != 2:
        raise template.TemplateSyntaxError(f"{bits[0]} takes the id of what names the table")
    nodelist = parser.parse(("endtable_scroll",))
    parser.delete_first_token()
    return TableScrollNode(nodelist, parser.compile_filter(bits[1]))


@register.simple_tag
def label(text: str) -> str:
    """``text`` and a colon as the page's language writes them before a value: "Status: "
    in English, "状态：" in Chinese (a full-width colon, no space). Pass the text
    translated: ``{% label _("Status") %}{{ value }}``."""
    return pgettext("a label before its value", "%(label)s: ") % {"label": text}
