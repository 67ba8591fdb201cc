from __future__ import annotations

from django.template.defaultfilters import filesizeformat
from wagtail.documents.forms import BaseDocumentForm

from resources.uploads import allowed_types_text, check_upload, max_upload_bytes


class DocumentForm(BaseDocumentForm):
    """Wagtail's document form (single, multiple and chooser uploads), refusing files
    of other types, over the size limit, or whose contents do not match their name
    (settings.WAGTAILDOCS_DOCUMENT_FORM_BASE)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            self.fields[
                "file"
            ].help_text = f"{allowed_types_text()}, at most {filesizeformat(max_upload_bytes())}."

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f and "file" in self.changed_data:
            check_upload(f)
        return f
