"""The back office's pages for what runs applications: an item's form and process (into
its draft, published by review: ``services.bind_application``) and a life event's
process of the whole (at once, for the applications filed from then on:
``services.bind_event_process``). The services check who may and audit; a refusal
comes back as the page's error."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from onewindow.catalog import permissions, queries, services, step_limits
from onewindow.catalog.application_forms import (
    ApplicationForm,
    EventProcessForm,
    definition_value,
)
from onewindow.catalog.backoffice_views import (
    apply_errors,
    back_office,
    current_user,
    item_or_404,
)
from onewindow.catalog.choices import VersionStatus
from onewindow.catalog.models import LifeEvent
from onewindow.core.errors import ServiceError
from onewindow.core.language import is_english
from onewindow.forms import queries as forms_queries
from onewindow.workflow import library as workflow_library


@back_office
def item_application_view(request: HttpRequest, code: str) -> HttpResponse:
    user = current_user(request)
    item = item_or_404(user, code, edit=True)
    draft = queries.open_version(item)
    template = "catalog/backoffice/application.html"
    if draft is not None and draft.status == VersionStatus.IN_REVIEW:
        return render(request, template, {"item": item, "locked": True}, status=409)
    current = draft or item.published
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        initial={
            "form": definition_value(current.form if current else None),
            "process": definition_value(current.process if current else None),
        },
        form_definitions=forms_queries.all_definitions(),
        process_definitions=workflow_library.all_versions(),
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            try:
                services.bind_application(
                    actor=user,
                    code=item.code,
                    form=form.chosen_form(),
                    process=form.chosen_process(),
                    request=request,
                )
            except ServiceError as error:
                apply_errors(form, error)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "The form and process were saved in the draft; they apply to "
                        "applications once the draft is published."
                    ),
                )
                return redirect("backoffice:item", code=item.code)
    return render(
        request,
        template,
        {
            "item": item,
            "application": form,
            "current": current,
            "long_steps": step_limits.steps_longer_than_promised(current) if current else [],
            "long_route": step_limits.route_longer_than_promised(current) if current else 0,
        },
        status=status,
    )


# --- life events: the process of the whole event ------------------------------------


@back_office
def events_view(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    rows = [
        {"event": event, "can_bind": permissions.can_bind_event_process(user, event)}
        for event in queries.events_with_processes()
    ]
    return render(request, "catalog/backoffice/events.html", {"rows": rows})


@back_office
def event_process_view(request: HttpRequest, code: str) -> HttpResponse:
    try:
        event = queries.events_with_processes().get(code=code)
    except LifeEvent.DoesNotExist as exc:
        raise Http404 from exc
    user = current_user(request)
    form = EventProcessForm(
        request.POST if request.method == "POST" else None,
        initial={"process": definition_value(event.process)},
        process_definitions=workflow_library.all_versions(),
    )
    status = 200
    if form.is_bound:
        status = 422
        if form.is_valid():
            chosen = form.chosen_process()
            try:
                services.bind_event_process(
                    actor=user, code=event.code, process=chosen, request=request
                )
            except ServiceError as error:
                apply_errors(form, error)
                status = error.status
            else:
                done = (
                    _("Applications for %(event)s filed from now on run in this process.")
                    if chosen is not None
                    else _(
                        "Applications for %(event)s filed from now on run each item in its "
                        "own process."
                    )
                )
                name = event.name_en if is_english() else event.name
                messages.success(request, done % {"event": name})
                return redirect("backoffice:events")
    return render(
        request,
        "catalog/backoffice/event_process.html",
        {
            "event": event,
            "form": form,
            "can_bind": permissions.can_bind_event_process(user, event),
        },
        status=status,
    )
