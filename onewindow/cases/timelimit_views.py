"""Pages for time limits: an officer asks for a supplement (补正) or an extension (延期),
the applicant supplies the material, a department lead or supervisor decides
extensions. Each view parses, calls one service and redirects. A supplement request
or answer, an extension request or decision refused for its input comes back as its
form again, each problem at its input (422); other refusals come back as messages on
the page the form was on."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from onewindow.cases import extensions, permissions, queries, supplement_forms, supplements
from onewindow.cases.officer_views import render_task_page, task_or_404
from onewindow.cases.pages import (
    current_user,
    kept_uploads,
    officer_or_404,
    store_uploads,
)
from onewindow.cases.supplement_materials import (
    NEEDS_FILE,
    answer_slots,
    corrected_questions,
    explanation_numbers,
    own_slots,
)
from onewindow.cases.views import render_case_page
from onewindow.core.errors import Conflict, InvalidInput, NotFound, ServiceError
from onewindow.core.numbers import whole_number
from onewindow.forms.attachments import upload_field_name
from onewindow.forms.validation import coerce_data


def _say_error(request: HttpRequest, error: ServiceError) -> None:
    """The error and each field's message, in words (the form is on another page)."""
    details = [str(m) for field_messages in error.fields.values() for m in field_messages]
    text = str(error.message)
    if details and details != [text]:
        text = f"{text} {' '.join(details)}"
    messages.error(request, text)


@login_required
@require_POST
def request_supplement(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task page's supplement form: a checkbox and a reason per material slot, and
    one more material in words, which may be asked for as an explanation (no file)."""
    user = officer_or_404(request)
    unticked = supplement_forms.reasons_without_tick(request.POST)
    if unticked:  # asked for or not? The officer says, rather than the page guessing.
        task = task_or_404(user, task_id)
        return render_task_page(request, user, task, supplement_errors=unticked)
    items: list[dict[str, Any]] = [
        {"slot": slot, "reason": request.POST.get(f"reason_{slot}", "")}
        for slot in request.POST.getlist("slot")
    ]
    other = request.POST.get("other_material", "").strip()
    other_reason = request.POST.get("other_reason", "")
    in_words = bool(request.POST.get("other_in_words"))
    # A reason or the tick alone is refused ("Name the material"), not dropped.
    if other or other_reason.strip() or in_words:
        other_item: dict[str, Any] = {"material": other, "reason": other_reason}
        if in_words:
            other_item[NEEDS_FILE] = False
        items.append(other_item)
    try:
        supplements.request_supplement(
            actor=user,
            task_id=task_id,
            items=items,
            note=request.POST.get("note", ""),
            request=request,
        )
    except NotFound as exc:
        raise Http404 from exc
    except InvalidInput as error:
        # Nothing was kept (the service's transaction): the form again, marked.
        task = task_or_404(user, task_id)
        errors = supplement_forms.request_errors(error, items)
        return render_task_page(request, user, task, supplement_errors=errors)
    except ServiceError as error:
        _say_error(request, error)
    else:
        messages.success(request, _("The applicant has been asked for the material."))
    return redirect("cases:task", task_id=task_id)


# The extension request form's inputs on the task page, by the service's field names.
EXTENSION_INPUTS = ("days", "reason")


@login_required
@require_POST
def request_extension(request: HttpRequest, task_id: int) -> HttpResponse:
    """The task page's extension form: working days and a reason."""
    user = officer_or_404(request)
    raw = request.POST.get("days", "").strip()
    try:
        extensions.request_extension(
            actor=user,
            task_id=task_id,
            days=number if (number := whole_number(raw)) is not None else raw,
            reason=request.POST.get("reason", ""),
            request=request,
        )
    except NotFound as exc:
        raise Http404 from exc
    except InvalidInput as error:
        # Nothing was kept (refused before the transaction): the form again, marked.
        errors = {
            name: [str(m) for m in error.fields[name]]
            for name in EXTENSION_INPUTS
            if error.fields.get(name)
        } or {"reason": [str(error.message)]}
        task = task_or_404(user, task_id)
        return render_task_page(request, user, task, extension_errors=errors)
    except ServiceError as error:
        _say_error(request, error)
    else:
        messages.success(request, _("The extension was sent for approval."))
    return redirect("cases:task", task_id=task_id)


@login_required
def extension_requests(request: HttpRequest) -> HttpResponse:
    """Pending extensions the officer may decide, with approve and refuse forms; a 404
    for anyone who decides none (leads and supervisors do)."""
    user = officer_or_404(request)
    if not permissions.decides_extensions(user):
        raise Http404
    invalid: dict[str, Any] = {}
    if request.method == "POST":
        raw_id = request.POST.get("extension", "")
        try:
            extensions.decide_extension(
                actor=user,
                extension_id=whole_number(raw_id) or 0,
                approve=request.POST.get("decision") == "approve",
                comment=request.POST.get("comment", ""),
                request=request,
            )
        except NotFound as exc:
            raise Http404 from exc
        except InvalidInput as error:
            # Nothing was decided (refused before the transaction): the list again, the
            # request's comment marked and kept as typed.
            found = [str(m) for m in error.fields.get("comment", [])] or [str(error.message)]
            invalid = {
                "extension": int(raw_id),
                "errors": found,
                "comment": request.POST.get("comment", ""),
            }
        except ServiceError as error:
            _say_error(request, error)
            return redirect("cases:extensions")
        else:
            messages.success(request, _("Your decision was recorded."))
            return redirect("cases:extensions")
    pending = list(queries.extensions_to_decide(user))
    if invalid and not any(e.pk == invalid["extension"] for e in pending):
        messages.error(request, invalid["errors"][0])  # no longer listed: no input to mark
        return redirect("cases:extensions")
    now = timezone.now()
    return render(
        request,
        "cases/extensions.html",
        {
            "pending": [(e, extensions.dates_if_approved(e, now)) for e in pending],
            "decided": queries.recent_extensions(user),
            "invalid": invalid,
        },
        status=422 if invalid else 200,
    )


@login_required
@require_POST
def resupply(request: HttpRequest, number: str) -> HttpResponse:
    """The applicant's answer to a supplement request: the answers asked to be corrected,
    the explanations asked for, the files asked for, a comment."""
    user = current_user(request)
    try:
        supplement = supplements.open_request(user, number)
    except NotFound as exc:
        raise Http404 from exc
    except Conflict as error:  # answered already (a second click)
        _say_error(request, error)
        return redirect("cases:detail", number=number)
    definition = supplement.case.form
    wanted = answer_slots(supplement)
    slots = [slot["key"] for slot in wanted]
    # Files a refused attempt stored come back in hidden inputs, as on the application.
    kept = kept_uploads(request, user, slots)
    errors: dict[str, list[Any]] = {}
    if definition is not None:
        kept.update(store_uploads(request, user, definition, slots, errors, own_slots(wanted)))
    required = {slot["key"] for slot in wanted if slot["required"]}
    for slot in slots:
        name = upload_field_name(slot)
        if name in errors:
            kept.pop(slot, None)  # a refused file replaces none kept for its slot
        elif slot not in kept and slot in required:
            errors[name] = [_("Attach this document.")]
    questions = corrected_questions(supplement)
    answers = coerce_data(definition, request.POST) if definition is not None and questions else {}
    if not errors:
        try:
            supplements.resupply(
                applicant=user,
                number=number,
                attachments={slot: a.pk for slot, a in kept.items()},
                data={name: answers[name] for name in questions if name in answers},
                explanations={
                    item: request.POST.get(f"explanation_{item}", "")
                    for item in explanation_numbers(supplement)
                },
                comment=request.POST.get("comment", ""),
                language=get_language(),
                request=request,
            )
        except InvalidInput as error:
            errors = supplement_forms.answer_error_fields(error, supplement)
            for slot in list(kept):
                if upload_field_name(slot) in errors:
                    kept.pop(slot)
            errors = errors or {"__all__": [error.message]}
        except ServiceError as error:  # answered meanwhile: nothing left to send
            _say_error(request, error)
            return redirect("cases:detail", number=number)
        else:
            messages.success(request, _("Thank you: the material was sent and your case goes on."))
            return redirect("cases:detail", number=number)
    # Nothing was sent: the form again, each file's problem at its input.
    answer = supplement_forms.answer_form(supplement, errors, kept, request.POST)
    return render_case_page(request, number, answer=answer, kept=kept)
