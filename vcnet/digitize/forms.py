"""Forms of the digitize pages: they parse what people send; the services decide."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import Unit, User
from vcnet.digitize.fields import FORM_SOURCE
from vcnet.documents.forms import (
    IncomingFieldsForm,
    MultipleFileField,
    MultipleFileInput,
    PersonChoiceField,
    UnitChoiceField,
)
from vcnet.documents.services.incoming import IncomingFields

SCAN_ACCEPT = "application/pdf,image/jpeg,image/png,image/tiff,.pdf,.jpg,.jpeg,.png,.tif,.tiff"


def _units_field(form: forms.Form, units: QuerySet[Unit]) -> None:
    field = cast(UnitChoiceField, form.fields["unit"])
    field.queryset = units
    if units.count() == 1:
        field.initial = units.first()
        field.widget = forms.HiddenInput()


class ScanUploadForm(forms.Form):
    """One scanned document (several pages in one PDF or TIFF)."""

    unit = UnitChoiceField(label=_("Register of"), queryset=Unit.objects.none())
    scan = forms.FileField(
        label=_("Scan (PDF, JPEG, PNG or TIFF)"),
        widget=forms.ClearableFileInput(attrs={"accept": SCAN_ACCEPT}),
    )

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)


class BatchForm(forms.Form):
    """A zip archive, or several scans, imported in one go."""

    unit = UnitChoiceField(label=_("Register of"), queryset=Unit.objects.none())
    scans = MultipleFileField(
        label=_("Zip archive or scans"),
        widget=MultipleFileInput(attrs={"accept": SCAN_ACCEPT + ",application/zip,.zip"}),
    )
    name = forms.CharField(label=_("Name of the import"), max_length=255, required=False)

    def __init__(self, *args: Any, units: QuerySet[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _units_field(self, units)


class ReviewForm(IncomingFieldsForm):
    """The fields read from a scan, as the registry confirms or corrects them."""

    place = forms.CharField(label=_("Place"), max_length=50, required=False)
    submit_to = PersonChoiceField(
        label=_("Submit to a leader at once"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("(not yet)"),
    )

    field_order = [*FORM_SOURCE, "due_date", "submit_to"]

    def __init__(self, *args: Any, leaders: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(PersonChoiceField, self.fields["submit_to"]).queryset = leaders

    def fields_value(self) -> IncomingFields:
        value = super().fields_value()
        value.place = (self.cleaned_data.get("place") or "").strip()
        return value
