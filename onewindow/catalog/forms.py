"""The guide editor's forms, and the helpers the back office's other forms share
(reviewing, importing, synonyms: ``backoffice_forms``; what an item's online application
runs on: ``application_forms``).

The guide editor only parses what the page posts into the catalog's item dict (the
shape ``transfer.version_as_dict`` produces and ``services.save_draft`` takes). Every
rule of a guide is written once, in ``validation``, and checked by ``clean_item`` inside
the service; the errors it returns are placed back on these forms by
``GuideEditor.apply_errors``. A page the forms themselves refuse goes to no service, so
the editor applies the rules between fields to what it could read
(``GuideEditor._apply_rules``), so as to report them in the same round.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.choices import (
    MAX_VISITS_CHOICES,
    Audience,
    Channel,
    ItemKind,
    MaterialForm,
    MaterialSource,
    OnlineLevel,
)
from onewindow.catalog.transfer import MAX_UPLOAD_BYTES
from onewindow.catalog.validation import (
    ENTRY_KEY,
    FAQ_KEYS,
    faq_rules,
    item_rules,
    material_rules,
    office_rules,
)
from onewindow.core.errors import ServiceError
from onewindow.core.form_fields import SiteForm

Choices = list[tuple[Any, Any]]
BLANK: Choices = [("", "—")]


@dataclass(frozen=True)
class EditorChoices:
    """What the guide editor offers, computed per user and language by the view."""

    editable_departments: Choices  # responsible department of a new item
    all_departments: Choices  # co-handling and material source departments
    topics: Choices


EXTRA_ROWS = 3
MAX_UPLOAD_MB = MAX_UPLOAD_BYTES // (1024 * 1024)


def textarea(rows: int = 3) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


# The catalog's own words for a number out of range or not a number, as ``validation``
# says them to an import (not Django's "Ensure this value is..."), in the reader's
# language when the message is read.
def _between(low: int, high: int) -> str:
    # ``lazy``: translated each time it is read (django-stubs types it as a ``str``).
    return lazy(
        lambda: _("Must be between %(low)d and %(high)d.") % {"low": low, "high": high}, str
    )()


def _whole_number(low: int, high: int) -> dict[str, Any]:
    between = _between(low, high)
    return {"invalid": _("Must be a whole number."), "min_value": between, "max_value": between}


AMOUNT = _("Must be an amount in yuan, such as 20 or 20.50.")
AMOUNT_ERRORS = dict.fromkeys(
    ("invalid", "min_value", "max_digits", "max_decimal_places", "max_whole_digits"), AMOUNT
)
# A radio group left unanswered, as the application forms say it (``forms.validation``).
CHOOSE_AN_OPTION = {"required": _("Choose an option."), "invalid_choice": _("Choose an option.")}


class ItemForm(SiteForm):
    """The item's own fields. Code and department are fields only for a new item."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("Department code, kind and number, such as 310000-GA-XK-0001."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
    )
    department = forms.ChoiceField(label=_("Responsible department"))
    name = forms.CharField(label=_("Item name"), max_length=120)
    name_en = forms.CharField(label=_("English item name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of power"), choices=[*BLANK, *ItemKind.choices])
    audience = forms.ChoiceField(label=_("Who applies"), choices=[*BLANK, *Audience.choices])
    # Boxes to tick, not a list box: choosing several in one needed Ctrl-click, which a
    # keyboard or a screen reader user could hardly do (QA). A long list scrolls.
    co_departments = forms.MultipleChoiceField(
        label=_("Co-handling departments"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    topics = forms.MultipleChoiceField(
        label=_("Topics"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "choice-list"}),
    )
    summary = forms.CharField(label=_("Summary"), required=False, widget=textarea())
    summary_en = forms.CharField(label=_("English summary"), required=False, widget=textarea())
    legal_basis = forms.CharField(label=_("Legal basis"), widget=textarea())
    legal_basis_en = forms.CharField(
        label=_("English legal basis"), required=False, widget=textarea()
    )
    conditions = forms.CharField(label=_("Conditions"), widget=textarea())
    conditions_en = forms.CharField(
        label=_("English conditions"), required=False, widget=textarea()
    )
    statutory_limit_days = forms.IntegerField(
        label=_("Statutory time limit (working days)"),
        min_value=0,
        max_value=365,
        error_messages=_whole_number(0, 365),
    )
    promised_limit_days = forms.IntegerField(
        label=_("Promised time limit (working days)"),
        min_value=0,
        max_value=365,
        help_text=_("At most the statutory time limit."),
        error_messages=_whole_number(0, 365),
    )
    is_free = forms.BooleanField(label=_("Free of charge"), required=False)
    fee_amount = forms.DecimalField(
        label=_("Fee (yuan)"),
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text=_("Leave empty for a free service."),
        error_messages=AMOUNT_ERRORS,
    )
    fee_basis = forms.CharField(
        label=_("Legal basis of the fee"), required=False, widget=textarea(2)
    )
    fee_basis_en = forms.CharField(
        label=_("English legal basis of the fee"), required=False, widget=textarea(2)
    )
    online_level = forms.TypedChoiceField(
        label=_("Online depth"), coerce=int, choices=[*BLANK, *OnlineLevel.choices]
    )
    max_visits = forms.TypedChoiceField(
        label=_("Visits required"),
        coerce=int,
        choices=[*BLANK, *((str(value), label) for value, label in MAX_VISITS_CHOICES)],
    )
    channels = forms.MultipleChoiceField(
        label=_("Channels"),
        required=False,
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    keywords = forms.CharField(
        label=_("Search keywords"),
        required=False,
        max_length=300,
        help_text=_("Everyday words people search with, separated by spaces."),
    )

    def __init__(
        self,
        *args: Any,
        new: bool,
        choices: EditorChoices,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.new = new
        if new:
            department = self.fields["department"]
            assert isinstance(department, forms.ChoiceField)
            department.choices = [*BLANK, *choices.editable_departments]
        else:
            # An item keeps its code and department; they come from the URL, not the page.
            del self.fields["code"], self.fields["department"]
        for name, options in (
            ("co_departments", choices.all_departments),
            ("topics", choices.topics),
        ):
            field = self.fields[name]
            assert isinstance(field, forms.MultipleChoiceField)
            field.choices = options
            field.widget.attrs["size"] = min(8, max(3, len(options)))


class MaterialRowForm(SiteForm):
    name = forms.CharField(label=_("Material name"), max_length=120)
    name_en = forms.CharField(label=_("English material name"), max_length=200, required=False)
    form = forms.ChoiceField(label=_("Form"), choices=[*BLANK, *MaterialForm.choices])
    count = forms.IntegerField(
        label=_("Copies"),
        min_value=1,
        max_value=99,
        initial=1,
        error_messages=_whole_number(1, 99),
    )
    source = forms.ChoiceField(label=_("Source"), choices=[*BLANK, *MaterialSource.choices])
    source_department = forms.ChoiceField(
        label=_("Source department"),
        required=False,
        help_text=_("For a material obtained from another department or an e-certificate."),
    )
    certificate_type = forms.CharField(label=_("E-certificate type"), max_length=80, required=False)
    certificate_type_en = forms.CharField(
        label=_("English e-certificate type"), max_length=160, required=False
    )
    required = forms.BooleanField(label=_("Required"), required=False, initial=True)
    notes = forms.CharField(label=_("Notes"), max_length=300, required=False)
    notes_en = forms.CharField(label=_("English notes"), max_length=500, required=False)

    def __init__(self, *args: Any, all_departments: Choices, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["source_department"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [*BLANK, *all_departments]


class OfficeForm(SiteForm):
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    address_en = forms.CharField(label=_("English address"), max_length=300, required=False)
    hours = forms.CharField(label=_("Opening hours"), max_length=100, required=False)
    hours_en = forms.CharField(label=_("English opening hours"), max_length=200, required=False)
    phone = forms.CharField(
        label=_("Telephone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel"}),
    )


OFFICE_FIELDS = tuple(OfficeForm.base_fields)


class FaqForm(SiteForm):
    q = forms.CharField(label=_("Question"), max_length=300, required=False)
    a = forms.CharField(label=_("Answer"), required=False, widget=textarea(2))
    q_en = forms.CharField(label=_("English question"), max_length=300, required=False)
    a_en = forms.CharField(label=_("English answer"), required=False, widget=textarea(2))


MaterialFormSet = forms.formset_factory(MaterialRowForm, extra=EXTRA_ROWS, can_delete=True)
OfficeFormSet = forms.formset_factory(OfficeForm, extra=EXTRA_ROWS)
FaqFormSet = forms.formset_factory(FaqForm, extra=EXTRA_ROWS)


@dataclass(frozen=True)
class SummaryError:
    """One line of the error summary: the message and the id of the control it is about."""

    anchor: str
    label: str
    message: str


def _row_values(form: forms.Form, names: tuple[str, ...]) -> dict[str, str]:
    return {name: (form.cleaned_data.get(name) or "").strip() for name in names}


class GuideEditor:
    """The item form with its three repeated parts, read and written as one item dict."""

    def __init__(
        self,
        data: Any = None,
        *,
        initial: dict[str, Any] | None = None,
        new: bool,
        choices: EditorChoices,
    ) -> None:
        initial = initial or {}
        self.item = ItemForm(data, initial=initial, new=new, choices=choices)
        self.materials = MaterialFormSet(
            data,
            prefix="materials",
            initial=initial.get("materials") or None,
            form_kwargs={"all_departments": choices.all_departments},
        )
        self.offices = OfficeFormSet(data, prefix="offices", initial=initial.get("offices") or None)
        self.faq = FaqFormSet(data, prefix="faq", initial=initial.get("faq") or None)
        # Which formset row became which entry of ``materials``, ``offices`` and ``faq``
        # in the item dict, to put the service's errors about an entry at its row (found
        # again after an error, a row whose only text was refused would not be there).
        self._material_rows: list[forms.Form] = []
        self._office_rows: list[forms.Form] = []
        self._faq_rows: list[forms.Form] = []
        self.service_errors: list[str] = []
        self._rules_applied = False

    def is_valid(self) -> bool:
        valid = all(
            [
                self.item.is_valid(),
                self.materials.is_valid(),
                self.offices.is_valid(),
                self.faq.is_valid(),
            ]
        )
        if not valid and not self._rules_applied:
            self._rules_applied = True
            self._apply_rules()
        return valid

    def _apply_rules(self) -> None:
        """The rules between fields (a promised time limit within the statutory one, a
        material's source department...) over what the page could read, when it is not
        valid and so goes to no service: the editor learns of every problem in one
        round. A rule whose fields are themselves wrong says nothing. On a valid page
        the service applies the same rules (``validation.clean_item``)."""
        values = dict(self.item.cleaned_data)
        if "code" in values:
            values["code"] = values["code"].strip().upper()
        if "fee_amount" in values and values["fee_amount"] is None:
            values["fee_amount"] = Decimal(0)  # as ``as_item`` sends it
        for name, messages in item_rules(values).fields.items():
            for message in messages:
                self.item.add_error(name, str(message))
        for form in self._kept_rows():
            for name, messages in material_rules(form.cleaned_data).fields.items():
                for message in messages:
                    form.add_error(name, str(message))
        for rows, keys, rules in (
            (self._filled_rows(self.faq, FAQ_KEYS), FAQ_KEYS, faq_rules),
            (self._filled_rows(self.offices, OFFICE_FIELDS), OFFICE_FIELDS, office_rules),
        ):
            for form in rows:
                passed = {n: v for n, v in _row_values(form, keys).items() if n not in form.errors}
                for name, messages in rules(passed).fields.items():
                    for message in messages:
                        form.add_error(name, str(message))

    @staticmethod
    def _filled_rows(formset: Any, keys: tuple[str, ...]) -> list[forms.Form]:
        """The rows of a question or office formset that become entries: those with any
        text (an empty row is an entry removed, or an extra row left blank), in their
        order, as ``as_item`` reads them."""
        return [
            form
            for form in formset
            if hasattr(form, "cleaned_data") and any(_row_values(form, keys).values())
        ]

    def _kept_rows(self) -> list[forms.Form]:
        """The material rows that become materials: those shown filled (even if
        untouched) and the extra ones filled in, less those ticked for deletion."""
        kept = self.materials.initial_form_count()
        return [
            form
            for number, form in enumerate(self.materials.forms)
            if (number < kept or form.has_changed()) and not form.cleaned_data.get("DELETE")
        ]

    def as_item(self, *, code: str = "", department: str = "") -> dict[str, Any]:
        """The item dict ``services.save_draft`` takes; call after ``is_valid()``."""
        data = dict(self.item.cleaned_data)
        data.setdefault("code", code)
        data.setdefault("department", department)
        data["code"] = data["code"].strip().upper()
        data["fee_amount"] = str(data["fee_amount"] if data["fee_amount"] is not None else 0)
        self._material_rows = self._kept_rows()
        data["materials"] = []
        for form in self._material_rows:
            material = {k: v for k, v in form.cleaned_data.items() if k != "DELETE"}
            material["source_department"] = material["source_department"] or None
            data["materials"].append(material)
        self._office_rows = self._filled_rows(self.offices, OFFICE_FIELDS)
        data["offices"] = [_row_values(form, OFFICE_FIELDS) for form in self._office_rows]
        self._faq_rows = self._filled_rows(self.faq, FAQ_KEYS)
        data["faq"] = [_row_values(form, FAQ_KEYS) for form in self._faq_rows]
        return data

    def apply_errors(self, error: ServiceError) -> None:
        """Put the service's field errors next to the fields they are about."""
        for key, messages in error.fields.items():
            for message in messages:
                self._place(key, str(message))
        if not error.fields:
            self.service_errors.append(str(error.message))

    def _place(self, key: str, message: str) -> None:
        match = ENTRY_KEY.match(key)
        if match:
            rows = {
                "materials": self._material_rows,
                "faq": self._faq_rows,
                "offices": self._office_rows,
            }[match[1]]
            index, name = int(match[2]), match[3] or ""
            if index < len(rows):
                form = rows[index]
                form.add_error(name if name in form.fields else None, message)
                return
        if key in self.item.fields:
            self.item.add_error(key, message)
        elif key in ("code", "department"):  # fixed for an existing item: say it at the top
            self.service_errors.append(message)
        else:
            self.item.add_error(None, message)

    def error_summary(self) -> list[SummaryError]:
        lines = [SummaryError("", "", message) for message in self.service_errors]
        lines += [SummaryError("", "", str(m)) for m in self.item.non_field_errors()]
        for field in self.item:
            lines += [
                SummaryError(field_anchor(field), str(field.label), str(m)) for m in field.errors
            ]
        for title, formset in (
            (_("Material %(number)s"), self.materials),
            (_("Office %(number)s"), self.offices),
            (_("Question %(number)s"), self.faq),
        ):
            # A tampered or stale page: the management form is missing or wrong.
            lines += [
                SummaryError(str(formset.prefix), "", str(m)) for m in formset.non_form_errors()
            ]
            for number, form in enumerate(formset.forms, start=1):
                row = title % {"number": number}
                anchor = f"{form.prefix}-fieldset"
                lines += [SummaryError(anchor, row, str(m)) for m in form.non_field_errors()]
                for field in form:
                    lines += [
                        SummaryError(field_anchor(field), f"{row} · {field.label}", str(m))
                        for m in field.errors
                    ]
        return lines


def field_anchor(field: forms.BoundField) -> str:
    """Where an error summary's link to ``field`` points."""
    if isinstance(field.field.widget, forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"  # a group of boxes: point at the first
    return str(field.id_for_label)
