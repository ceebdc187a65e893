"""The application pages: an item's or a life event's form, its drafts and uploads, and
filing the case (``cases.filing``)."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from onewindow.cases import drafts, filing, queries
from onewindow.cases.pages import KEEP_PREFIX, current_user, kept_uploads, store_uploads
from onewindow.cases.signed_out import answers_kept, login_keeping_answers
from onewindow.catalog import queries as catalog_queries
from onewindow.catalog.choices import Audience
from onewindow.catalog.models import LifeEvent
from onewindow.core.errors import InvalidInput, ServiceError
from onewindow.core.templatetags.onewindow import localized
from onewindow.forms import services as forms_services
from onewindow.forms.attachments import upload_field_name
from onewindow.forms.merge import MergedForm
from onewindow.forms.prefill import prefilled
from onewindow.forms.rendering import render_form
from onewindow.forms.validation import coerce_data, validate_data


def application_page(
    request: HttpRequest,
    *,
    service: str,
    definition: Any,
    template: str,
    context: dict[str, Any],
    audience: str = Audience.PERSON,
) -> HttpResponse:
    """The application form of an item or a life event: GET shows it (with the draft
    kept last time); POST stores the uploads, then either keeps a draft ("save and
    continue later") or files the case and redirects to its receipt. A company's agent
    chooses whether to apply for themself or for a company they represent, on a service
    for legal persons (their first company is chosen to begin with); a service for
    individuals is applied for as oneself (``filing`` refuses a company there)."""
    user = current_user(request)
    companies = list(user.companies.order_by("name")) if audience == Audience.COMPANY else []
    company = request.POST.get("company", "").strip()
    if request.method != "POST" and companies:
        company = companies[0].uscc
    errors: dict[str, list[Any]] = {}
    kept = kept_uploads(request, user, _slots(definition))
    draft_context = f"{queries.APPLICATION_DRAFT_PREFIX}{service}"
    anchor = definition.definitions[0] if isinstance(definition, MergedForm) else definition
    draft = None
    restored = answers_kept(request) if request.method != "POST" else None
    if restored is not None:  # typed before the session ended (``signed_out``)
        company = restored.get("company", company)
        messages.info(
            request,
            _(
                "What you typed before you were signed out is back: check it, attach your "
                "files again and send it."
            ),
        )
    elif request.method != "POST":
        draft = forms_services.load_draft(owner=user, definition=anchor, context=draft_context)
        if draft is not None:
            kept = forms_services.draft_attachments(user, definition, draft)
            company = _draft_company(draft, companies, default=company)
    if request.method == "POST" and request.POST.get("action") == "save_draft":
        kept.update(store_uploads(request, user, definition, _slots(definition), errors))
        forms_services.save_draft(
            owner=user,
            definition=anchor,
            context=draft_context,
            data=request.POST,
            shape=definition,
            attachments={slot: a.pk for slot, a in kept.items()},
            applying_for=company if companies else None,
            request=request,
        )
        if not errors:
            messages.success(request, _("Your draft was saved; you can come back to it later."))
            return redirect(request.path)
        # The page again, saying which files were refused: dropped silently, they would
        # be missed only when the application is sent.
        messages.warning(
            request,
            _("Your draft was saved without the files marked below: attach them again."),
        )
    elif request.method == "POST":
        key = request.POST.get("idempotency_key", "").strip()[:100]
        existing = queries.my_cases(user).filter(idempotency_key=key).first() if key else None
        if existing is not None:  # a double click: the first attempt's case
            return redirect("cases:receipt", number=existing.number)
        kept.update(store_uploads(request, user, definition, _slots(definition), errors))
        for slot in definition.attachments or []:
            name = upload_field_name(slot["key"])
            if slot.get("required") and slot["key"] not in kept and name not in errors:
                errors[name] = [_("Attach this document.")]
        if not errors:
            try:
                case, _new = filing.submit_case(
                    applicant=user,
                    service=service,
                    data={
                        **coerce_data(definition, request.POST),
                        "attachments": {slot: a.pk for slot, a in kept.items()},
                    },
                    idempotency_key=key,
                    company=company,
                    language=get_language(),
                    request=request,
                )
            except InvalidInput as error:
                errors.update(error.fields)
            except ServiceError as error:
                errors["__all__"] = [error.message]
            else:
                forms_services.discard_draft(
                    owner=user, definition=anchor, context=draft_context, request=request
                )
                return redirect("cases:receipt", number=case.number)
        else:
            # Show every problem at once: the answers' too, not only the files'.
            try:
                validate_data(definition, request.POST, get_language())
            except InvalidInput as error:
                errors.update(error.fields)
    # A new application starts from what the applicant's account already says.
    from_account = (
        prefilled(definition, user)
        if request.method != "POST" and not draft and restored is None
        else {}
    )
    if request.method == "POST":
        shown: Any = request.POST
    else:
        shown = restored if restored is not None else (draft.data if draft else from_account)
    form_html = render_form(
        definition,
        data=shown,
        errors=errors,
        uploaded=kept,
    )
    return render(
        request,
        template,
        {
            **context,
            "form_html": form_html,
            "has_form": True,
            "idempotency_key": uuid.uuid4().hex,
            "kept": [(f"{KEEP_PREFIX}{slot}", a.pk) for slot, a in kept.items()],
            "draft": draft,
            "from_account": bool(from_account),
            "companies": companies,
            "chosen_company": company,
            "company_errors": errors.get("company", []),
        },
        status=422 if errors else 200,
    )


def _draft_company(draft: Any, companies: list[Any], *, default: str) -> str:
    """The choice of "Apply as" a draft kept, while the user still acts for that company
    (or for themself: ""); otherwise the page's default."""
    chosen = forms_services.draft_applying_for(draft)
    if chosen is None or (chosen and chosen not in {c.uscc for c in companies}):
        return default
    return chosen


def _slots(definition: Any) -> list[str]:
    return [slot["key"] for slot in definition.attachments or []]


@login_keeping_answers
def apply_event(request: HttpRequest, code: str) -> HttpResponse:
    """One merged application for the items of a life event (一件事一次办)."""
    try:
        event = catalog_queries.life_event(code)
    except LifeEvent.DoesNotExist as exc:
        raise Http404 from exc
    context: dict[str, Any] = {"event": event}
    try:
        definition = queries.application_form(code)
    except LookupError:
        return render(request, "cases/apply_event.html", {**context, "has_form": False})
    return application_page(
        request,
        service=code,
        definition=definition,
        template="cases/apply_event.html",
        context=context,
        audience=event.audience,
    )


@login_required
@require_http_methods(["GET", "POST"])
def discard_draft(request: HttpRequest, code: str) -> HttpResponse:
    """Discard the applicant's draft of an application, after asking (My cases links
    here): a draft holds what they typed, which a stray click must not lose."""
    user = current_user(request)
    draft = drafts.my_draft(user, code)
    if draft is None:
        raise Http404
    if request.method == "POST":
        drafts.discard(owner=user, code=code, request=request)
        messages.success(
            request, _("Your draft of “%(name)s” was discarded.") % {"name": localized(draft)}
        )
        return redirect("cases:mine")
    return render(request, "cases/discard_draft.html", {"draft": draft})
