"""The city's corrections to the official calendar, and the years it has entered itself.

The chinese-calendar package gives the State Council's arrangement (holidays and the
adjusted working days, 调休) for the years it knows. ``WorkdayOverride`` changes single
days of any year; ``CalendarYear`` marks a year the package does not know as entered in
full, so the calendar may use it. ``CalendarRevision`` moves on every write, so every
process drops its cached calendar (``calendar.get_calendar``). Write only through
``services``: they audit the change and move the revision.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

NAME_LENGTH = 100


class WorkdayOverride(models.Model):
    """One day whose working status the city sets, whatever the package says."""

    day = models.DateField(_("day"), unique=True)
    is_working_day = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=NAME_LENGTH)
    name_en = models.CharField(_("English name"), max_length=NAME_LENGTH, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day.isoformat()} {self.name}"


class CalendarYear(models.Model):
    """A year the city has entered itself. Until ``complete`` is set, a year the package
    does not know cannot be used: a deadline falling into it raises instead of silently
    counting Monday to Friday."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    complete = models.BooleanField(
        _("declared complete"),
        default=False,
        help_text=_("Its public holidays and adjusted working days are all entered."),
    )
    note = models.TextField(_("source or note"), blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("declared by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarRevision(models.Model):
    """One row counting calendar changes; a process rebuilds its calendar when it moves.

    ``stamp`` is new random text at each change: a process that cached a revision from
    a transaction that then rolled back cannot mistake another process's committed
    change for it, as it could by the number alone."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    number = models.PositiveBigIntegerField(default=0)
    stamp = models.CharField(max_length=32, blank=True)

    def __str__(self) -> str:
        return f"calendar revision {self.number}"
