"""Checking the keywords forms adds to JSON Schema on a property (ADR 0023), where a
definition uses them: the date bounds ``notBefore``/``notAfter``, ``x-prefill`` and
``isApplicants``, ``matchesIdNumber`` and ``holderSex``. ``schema.check_definition`` runs
these beside its checks of the subset; answers are held to the keywords by
``validation.FormValidator`` and, for ``isApplicants``, ``prefill.not_the_applicants``.

Each check leaves a keyword on a type that does not take it to ``check_definition``,
which refuses it as a keyword the type does not support.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from onewindow.forms import metaschema, prefill, spec


def check_date_bounds(name: str, prop: dict[str, Any]) -> list[str]:
    """``notBefore``/``notAfter`` on a date only, each ``"today"`` or an ISO date, and
    not the wrong way round (judged when both are fixed dates: with ``"today"`` the
    answer depends on the day)."""
    bounds = [keyword for keyword in spec.DATE_BOUNDS if keyword in prop]
    if not bounds or prop["type"] != "string":
        return []
    if prop.get("format") != "date":
        return [
            _('%(name)s: %(keyword)s is only for dates ("format": "date").')
            % {"name": name, "keyword": keyword}
            for keyword in bounds
        ]
    problems = [
        _('%(name)s: %(keyword)s must be "today" or a date like 2024-03-07.')
        % {"name": name, "keyword": keyword}
        for keyword in bounds
        if spec.date_bound(prop[keyword]) is None
    ]
    earliest, latest = prop.get("notBefore"), prop.get("notAfter")
    if (
        not problems
        and spec.TODAY not in (earliest, latest)
        and (low := spec.date_bound(earliest))
        and (high := spec.date_bound(latest))
        and low > high
    ):
        problems.append(_("%(name)s: notBefore is later than notAfter.") % {"name": name})
    return problems


def check_prefill(name: str, prop: dict[str, Any]) -> list[str]:
    """``x-prefill`` names one of the account's answers (``prefill.SOURCES``), on a
    text property of the format that answer has (a sex on a choice of ``male`` and
    ``female``); ``isApplicants`` is ``true`` on such a property only."""
    if spec.APPLICANTS_OWN in prop and (
        prop[spec.APPLICANTS_OWN] is not True or "x-prefill" not in prop
    ):
        return [
            _("%(name)s: isApplicants is true, on an answer x-prefill fills, or left out.")
            % {"name": name}
        ]
    if "x-prefill" not in prop:
        return []
    source = prop["x-prefill"]
    if source not in prefill.SOURCES:
        return [
            _("%(name)s: x-prefill must be one of %(sources)s.")
            % {"name": name, "sources": ", ".join(sorted(prefill.SOURCES))}
        ]
    fits = prop.get("type") == "string" and prop.get("format") in prefill.SOURCE_FORMATS[source]
    if source in prefill.SEX_SOURCES:
        fits = fits and offers_sexes(prop)
    if not fits:
        return [
            _("%(name)s: x-prefill %(source)s does not fit this answer's type or format.")
            % {"name": name, "source": source}
        ]
    return []


def check_id_matches(properties: dict[str, Any]) -> list[str]:
    """``matchesIdNumber`` names another property, an identity number, on a date (its
    birth date) or a choice of ``male`` and ``female`` (its sex)."""
    problems = []
    for name, prop in properties.items():
        if not isinstance(prop, dict) or spec.ID_MATCH not in prop:
            continue
        number = (
            properties.get(prop[spec.ID_MATCH]) if isinstance(prop[spec.ID_MATCH], str) else None
        )
        if not isinstance(number, dict) or number.get("format") != "cn-id":
            problems.append(
                _("%(name)s: matchesIdNumber must name an identity number answer (format cn-id).")
                % {"name": name}
            )
        if prop.get("format") != "date" and not offers_sexes(prop):
            problems.append(
                _(
                    "%(name)s: matchesIdNumber is for a date (the birth date) or a choice of "
                    "male and female (the sex)."
                )
                % {"name": name}
            )
    return problems


def check_holder_sex(name: str, prop: dict[str, Any]) -> list[str]:
    """``holderSex`` is ``"male"`` or ``"female"``, on an identity number (``"format":
    "cn-id"``): the only answer that holds a sex."""
    if spec.HOLDER_SEX not in prop or prop["type"] != "string":
        return []
    problems = []
    if prop.get("format") != "cn-id":
        problems.append(
            _("%(name)s: holderSex is for an identity number answer (format cn-id).")
            % {"name": name}
        )
    sex = prop[spec.HOLDER_SEX]
    if not isinstance(sex, str) or sex not in spec.SEXES:
        problems.append(
            _('%(name)s: holderSex must be "male" or "female", not %(value)s.')
            % {"name": name, "value": metaschema.shown(sex)}
        )
    return problems


def offers_sexes(prop: dict[str, Any]) -> bool:
    """Whether ``prop`` is a choice of exactly ``male`` and ``female``, the values a sex
    read from an identity number takes."""
    choices = prop.get("enum")
    return isinstance(choices, list) and sorted(map(str, choices)) == sorted(spec.SEXES)
