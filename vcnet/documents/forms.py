"""Forms of the e-office pages: they parse what people type; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from vcnet.accounts.models import Unit, User
from vcnet.documents.models import (
    AssignmentRole,
    CaseFile,
    Confidentiality,
    Direction,
    DocumentType,
    Priority,
    SigningMode,
    Status,
)
from vcnet.documents.selectors import DocumentFilters
from vcnet.documents.services.incoming import DirectionLine, IncomingFields, Upload
from vcnet.documents.services.outgoing import DraftFields, RecipientSpec

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (attachments); none is fine."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            return []
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


def to_upload(file: UploadedFile) -> Upload:
    """An uploaded file as the services take it."""
    return Upload(stream=file, name=file.name or "tep")


def _unit_label(unit: Unit) -> str:
    return f"{unit.short_name} · {unit.name}"


class UnitChoiceField(forms.ModelChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return _unit_label(obj)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField[Unit]):
    def label_from_instance(self, obj: Unit) -> str:
        return _unit_label(obj)


class PersonChoiceField(forms.ModelChoiceField[User]):
    def label_from_instance(self, obj: User) -> str:
        return obj.full_name


# --- Incoming -------------------------------------------------------------------------------


class IncomingFieldsForm(forms.Form):
    """Appendix VI fields of an incoming document, as the registry types them."""

    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False
    )
    code_number = forms.CharField(label=_("Number"), max_length=11, required=False)
    code_notation = forms.CharField(
        label=_("Notation"), max_length=30, required=False, help_text=_("e.g. CV/BTGTW")
    )
    organ_name = forms.CharField(label=_("Issuing organisation"), max_length=200, required=False)
    issued_date = forms.DateField(label=_("Issue date"), required=False, widget=DATE)
    subject = forms.CharField(
        label=_("Subject (trích yếu)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=50, required=False)
    priority = forms.TypedChoiceField(
        label=_("Urgency"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        coerce=int,
        initial=Confidentiality.NORMAL,
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)

    def fields_value(self) -> IncomingFields:
        data = self.cleaned_data
        doc_type = data.get("doc_type")
        return IncomingFields(
            subject=data["subject"].strip(),
            doc_type_id=doc_type.pk if doc_type else None,
            code_number=data.get("code_number", "").strip(),
            code_notation=data.get("code_notation", "").strip(),
            issued_date=data.get("issued_date"),
            organ_name=data.get("organ_name", "").strip(),
            signer_position=data.get("signer_position", "").strip(),
            signer_name=data.get("signer_name", "").strip(),
            priority=data.get("priority") or 0,
            confidentiality=data.get("confidentiality") or 0,
            due_date=data.get("due_date"),
        )


class ReceiveForm(IncomingFieldsForm):
    """The registry receives a document: the fields, the main PDF and attachments."""

    unit = UnitChoiceField(label=_("Register of"), queryset=Unit.objects.none())
    main = forms.FileField(label=_("Main document (PDF)"))
    attachments = MultipleFileField(label=_("Attachments"))

    field_order = ["unit", "main", "attachments"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = cast(UnitChoiceField, self.fields["unit"])
        unit_field.queryset = units
        if units.count() == 1:
            unit_field.initial = units.first()
            unit_field.widget = forms.HiddenInput()


class RegisterForm(forms.Form):
    submit_to = PersonChoiceField(
        label=_("Submit to a leader at once"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(not yet)"),
    )

    def __init__(self, *args: Any, leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PersonChoiceField, self.fields["submit_to"])
        field.queryset = leaders


class SubmitForm(forms.Form):
    leader = PersonChoiceField(label=_("Leader"), queryset=User.objects.none())

    def __init__(self, *args: Any, leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(PersonChoiceField, self.fields["leader"])
        field.queryset = leaders


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DirectForm(forms.Form):
    """A direction (bút phê): one lead, any coordinating and for-information targets.

    Targets are written `u<id>` (a unit) or `p<id>` (a person), so one select offers both.
    """

    lead = forms.ChoiceField(label=_("Lead (chủ trì)"))
    coordinate = forms.MultipleChoiceField(
        label=_("Coordinating (phối hợp)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    info = forms.MultipleChoiceField(
        label=_("For information"), required=False, widget=forms.CheckboxSelectMultiple
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    comment = forms.CharField(
        label=_("Instructions"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        *args: Any,
        units: list[Unit],
        people: list[User],
        lead_required: bool = True,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        choices: list[tuple[str, str]] = [(f"p{p.pk}", p.full_name) for p in people]
        choices += [(f"u{u.pk}", _unit_label(u)) for u in units]
        lead = cast(forms.ChoiceField, self.fields["lead"])
        lead.choices = [("", "—"), *choices]
        lead.required = lead_required
        for name in ("coordinate", "info"):
            field = cast(forms.MultipleChoiceField, self.fields[name])
            field.choices = choices

    @staticmethod
    def _line(value: str, role: str, deadline: dt.date | None, comment: str = "") -> DirectionLine:
        line = DirectionLine(role=role, deadline=deadline, comment=comment)
        if value[0] == "u":
            line.unit_id = int(value[1:])
        else:
            line.user_id = int(value[1:])
        return line

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lead = data.get("lead")
        taken = [lead] if lead else []
        for name in ("coordinate", "info"):
            if lead and lead in data.get(name, []):
                self.add_error(name, _("The lead cannot also be in this list."))
            taken += data.get(name, [])
        if not taken:
            raise forms.ValidationError(_("Choose at least one unit or person."))
        return data

    def lines(self) -> list[DirectionLine]:
        data = self.cleaned_data
        deadline: dt.date | None = data.get("deadline")
        comment = data.get("comment", "")
        lines: list[DirectionLine] = []
        if data.get("lead"):
            lines.append(self._line(data["lead"], AssignmentRole.LEAD, deadline, comment))
        for value in data.get("coordinate", []):
            lines.append(self._line(value, AssignmentRole.COORDINATE, deadline))
        for value in data.get("info", []):
            lines.append(self._line(value, AssignmentRole.INFO, None))
        return lines


class CompleteForm(forms.Form):
    result = forms.CharField(
        label=_("Result"), max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ResultFileForm(forms.Form):
    file = forms.FileField(label=_("Result file"))
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ExtensionForm(forms.Form):
    new_deadline = forms.DateField(label=_("New deadline"), widget=DATE)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class DecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Approve")), ("0", _("Return for changes"))],
        coerce=lambda v: v == "1",
    )
    comment = forms.CharField(
        label=_("Comment"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class CaseFileChoiceForm(forms.Form):
    case_file: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label=_("Case file"), queryset=CaseFile.objects.none()
    )

    def __init__(self, *args: Any, case_files: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["case_file"])
        field.queryset = case_files


class CaseFileForm(forms.Form):
    unit = UnitChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    notation = forms.CharField(label=_("File notation"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=500)
    year = forms.IntegerField(label=_("Year"), min_value=1945, max_value=2200, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UnitChoiceField, self.fields["unit"])
        field.queryset = units


# --- Outgoing -------------------------------------------------------------------------------


class DraftFieldsForm(forms.Form):
    """What the drafter fills in (DraftFields) and whom the document goes to."""

    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False
    )
    subject = forms.CharField(
        label=_("Subject (trích yếu)"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    priority = forms.TypedChoiceField(
        label=_("Urgency"), choices=Priority.choices, coerce=int, initial=Priority.NORMAL
    )
    confidentiality = forms.TypedChoiceField(
        label=_("Confidentiality"),
        choices=Confidentiality.choices,
        coerce=int,
        initial=Confidentiality.NORMAL,
    )
    due_date = forms.DateField(label=_("Due date"), required=False, widget=DATE)
    signer_position = forms.CharField(label=_("Signer's position"), max_length=100, required=False)
    signer_name = forms.CharField(label=_("Signer's name"), max_length=50, required=False)
    recipients_text = forms.CharField(
        label=_("Recipients as printed (nơi nhận)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    recipient_units = UnitMultipleChoiceField(
        label=_("Send to units in VCNET"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    outside = forms.CharField(
        label=_("Send to outside organisations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One per line: identifier, then a space, then the name."),
    )
    in_reply_to = forms.IntegerField(widget=forms.HiddenInput(), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UnitMultipleChoiceField, self.fields["recipient_units"])
        field.queryset = Unit.objects.valid_on().order_by("path")

    def clean_outside(self) -> list[RecipientSpec]:
        specs: list[RecipientSpec] = []
        for line in self.cleaned_data.get("outside", "").splitlines():
            line = line.strip()
            if not line:
                continue
            organ_id, _sep, name = line.partition(" ")
            if not name.strip() or len(organ_id) > 13:
                raise forms.ValidationError(
                    _("Write each organisation as its identifier, a space, then its name.")
                )
            specs.append(RecipientSpec(organ_id=organ_id, organ_name=name.strip()))
        return specs

    def fields_value(self) -> DraftFields:
        data = self.cleaned_data
        doc_type = data.get("doc_type")
        recipients = [RecipientSpec(unit_id=u.pk) for u in data.get("recipient_units", [])]
        recipients += data.get("outside") or []
        return DraftFields(
            subject=data["subject"].strip(),
            doc_type_id=doc_type.pk if doc_type else None,
            priority=data.get("priority") or 0,
            confidentiality=data.get("confidentiality") or 0,
            due_date=data.get("due_date"),
            signer_position=data.get("signer_position", "").strip(),
            signer_name=data.get("signer_name", "").strip(),
            recipients_text=data.get("recipients_text", "").strip(),
            in_reply_to_id=data.get("in_reply_to"),
            recipients=recipients,
        )


class DraftForm(DraftFieldsForm):
    unit = UnitChoiceField(label=_("Issued by"), queryset=Unit.objects.none())
    main = forms.FileField(label=_("Draft (PDF or Word)"))
    attachments = MultipleFileField(label=_("Attachments"))

    field_order = ["unit"]

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UnitChoiceField, self.fields["unit"])
        field.queryset = units
        if units.count() == 1:
            field.initial = units.first()
            field.widget = forms.HiddenInput()


class DraftUpdateForm(forms.Form):
    main = forms.FileField(label=_("New version of the draft"))
    note = forms.CharField(label=_("What changed"), max_length=500, required=False)


class DraftSubmitForm(forms.Form):
    content_approver = PersonChoiceField(
        label=_("Content approval (head of the drafting unit)"), queryset=User.objects.none()
    )
    layout_checker = PersonChoiceField(
        label=_("Format and layout check"), queryset=User.objects.none()
    )
    signer = PersonChoiceField(label=_("Signer"), queryset=User.objects.none())
    signing_mode = forms.ChoiceField(
        label=_("Signing mode"), choices=SigningMode.choices, required=False
    )

    def __init__(
        self, *args: Any, leaders: QuerySet[User], clerks: QuerySet[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for name, queryset in (
            ("content_approver", leaders),
            ("layout_checker", clerks),
            ("signer", leaders),
        ):
            field = cast(PersonChoiceField, self.fields[name])
            field.queryset = queryset


class SignedUploadForm(forms.Form):
    signed = forms.FileField(label=_("Signed PDF"))


class NumberForm(forms.Form):
    issued_date = forms.DateField(label=_("Issue date"), required=False, widget=DATE)


class RecallAnswerForm(forms.Form):
    accept = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("1", _("Accept: remove our copy")), ("0", _("Refuse"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# --- Search ---------------------------------------------------------------------------------


class SearchForm(forms.Form):
    """The document list's search box and filters (all optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    direction = forms.ChoiceField(
        label=pgettext_lazy("document", "Direction"),
        choices=[("", _("All")), *Direction.choices],
        required=False,
    )
    doc_type = forms.ModelChoiceField(
        label=_("Type"), queryset=DocumentType.objects.all(), required=False, empty_label=_("All")
    )
    unit = UnitChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), required=False, empty_label=_("All")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *Status.choices], required=False
    )
    priority = forms.TypedChoiceField(
        label=_("Urgency"),
        choices=[("", _("All")), *Priority.choices],
        coerce=int,
        empty_value=None,
        required=False,
    )
    date_from = forms.DateField(label=pgettext_lazy("date", "From"), required=False, widget=DATE)
    date_to = forms.DateField(label=pgettext_lazy("date", "To"), required=False, widget=DATE)

    PARAMS = ("q", "direction", "doc_type", "unit", "status", "priority", "date_from", "date_to")

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast(UnitChoiceField, self.fields["unit"])
        field.queryset = units

    def filters(self) -> DocumentFilters:
        data = self.cleaned_data
        return DocumentFilters(
            direction=data.get("direction") or "",
            doc_type_id=data["doc_type"].pk if data.get("doc_type") else None,
            unit_id=data["unit"].pk if data.get("unit") else None,
            status=data.get("status") or "",
            priority=data.get("priority"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )

    def params(self) -> dict[str, str]:
        """The non-empty parameters as typed (what a saved search keeps)."""
        return {k: str(self.data[k]) for k in self.PARAMS if self.data.get(k)}


class SavedSearchForm(forms.Form):
    name = forms.CharField(label=_("Name of this search"), max_length=100)
