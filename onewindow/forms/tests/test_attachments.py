import hashlib

import pytest
from django.core.files.storage import default_storage
from django.utils import translation

from onewindow.audit.models import AuditEvent
from onewindow.conftest import make_user
from onewindow.core.errors import InvalidInput, NotFound
from onewindow.forms import attachments as attachments_module
from onewindow.forms import permissions
from onewindow.forms.attachments import (
    at_file_input,
    open_attachment,
    sanitize_name,
    store_attachment,
)
from onewindow.forms.demo import load_demo_forms
from onewindow.forms.merge import merge_definitions
from onewindow.forms.models import Attachment
from onewindow.forms.queries import latest_definitions
from onewindow.forms.tests.files import EXE, HTML, JPG, PDF, PNG, upload


def stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def owner(db):
    return make_user()


def test_a_real_pdf_is_stored(sample, owner, media):
    attachment = store_attachment(
        owner=owner, definition=sample, slot="scan", upload=upload("出生证明.pdf", PDF)
    )
    attachment.refresh_from_db()
    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.sha256 == hashlib.sha256(PDF).hexdigest()
    assert attachment.original_name == "出生证明.pdf"
    assert attachment.definition == sample and attachment.slot == "scan"
    # Stored under a random name through the default storage, not the applicant's name.
    assert attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(".pdf") and "出生" not in attachment.file.name
    (path,) = stored_files(media)
    assert path.read_bytes() == PDF
    assert default_storage.exists(attachment.file.name)
    event = AuditEvent.objects.get(action="forms.attachment_stored")
    assert event.target_id == str(attachment.pk) and event.detail["sha256"] == attachment.sha256


def test_a_real_png_and_jpg_are_stored(sample, owner, media):
    png = store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.PNG", PNG))
    jpg = store_attachment(
        owner=owner, definition=sample, slot="photo", upload=upload("b.jpeg", JPG)
    )
    assert (png.content_type, png.original_name) == ("image/png", "a.png")
    assert jpg.content_type == "image/jpeg"
    assert len(stored_files(media)) == 2


REFUSALS = {
    "exe_named_pdf": ("scan", "invoice.pdf", EXE, "attachment_type"),
    "html_named_png": ("scan", "photo.png", HTML, "attachment_type"),
    "pdf_named_exe": ("scan", "setup.exe", PDF, "attachment_extension"),
    "png_named_pdf": ("scan", "scan.pdf", PNG, "attachment_extension"),
    "jpg_in_a_pdf_png_slot": ("scan", "photo.jpg", JPG, "attachment_type"),
    "oversize": ("scan", "big.pdf", PDF + b"0" * (1024 * 1024), "attachment_too_large"),
    "empty": ("scan", "empty.pdf", b"", "attachment_empty"),
    "unknown_slot": ("nope", "a.pdf", PDF, "unknown_slot"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_leave_nothing_behind(sample, owner, media, case):
    slot, name, content, code = REFUSALS[case]
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot=slot, upload=upload(name, content))
    assert excinfo.value.code == code
    # Keyed by the part at fault, not by where the upload came from.
    assert list(excinfo.value.fields) == ["slot" if code == "unknown_slot" else "file"]
    assert not Attachment.objects.exists()
    assert stored_files(media) == []
    if code != "unknown_slot":
        event = AuditEvent.objects.get(action="forms.attachment_refused")
        assert event.outcome == "denied" and event.detail["reason"] == code.split("_", 1)[1]


def test_refusal_messages_say_what_to_do(sample, owner, media):
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.exe", EXE))
    assert str(excinfo.value.fields["file"][0]) == (
        "The file must be one of these types: PDF, PNG."
    )
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.exe", EXE))
    assert str(excinfo.value.message) == "文件类型必须是以下之一：PDF、PNG。"
    # Named as an accepted type, the content is what is wrong: said as such.
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", EXE))
    assert str(excinfo.value.message) == (
        "This file is named as a PDF but its content is not one. The file must be one of "
        "these types: PDF, PNG."
    )
    with translation.override("zh-hans"), pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", EXE))
    assert str(excinfo.value.message) == (
        "该文件名为 PDF 文件，但内容并非 PDF。文件类型必须是以下之一：PDF、PNG。"
    )
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.exe", PDF))
    assert str(excinfo.value.message) == "The file name must end in .pdf to match its content."
    big = upload("big.pdf", PDF + b"0" * (1024 * 1024))
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=big)
    assert str(excinfo.value.message) == "The file must be smaller than 1 MB."


def test_a_page_shows_a_refusal_at_the_slots_file_input(sample, owner, media):
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.exe", EXE))
    assert at_file_input("scan", excinfo.value) == {"upload-scan": excinfo.value.fields["file"]}
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=sample, slot="nope", upload=upload("a.pdf", PDF))
    assert list(at_file_input("nope", excinfo.value)) == ["upload-nope"]


def test_the_bytes_read_count_not_the_declared_size(sample, owner, media):
    lying = upload("big.pdf", PDF + b"0" * (1024 * 1024))
    lying.size = 10
    with pytest.raises(InvalidInput):
        store_attachment(owner=owner, definition=sample, slot="scan", upload=lying)
    assert not Attachment.objects.exists() and stored_files(media) == []


def test_the_global_cap_applies_whatever_the_slot_says(owner, media, db):
    from onewindow.forms.tests.conftest import make_definition, sample_parts

    parts = sample_parts()
    parts["attachments"][0]["max_mb"] = 20
    definition = make_definition(key="big", **parts)
    huge = upload("huge.pdf", PDF + b"0" * (20 * 1024 * 1024))
    with pytest.raises(InvalidInput) as excinfo:
        store_attachment(owner=owner, definition=definition, slot="scan", upload=huge)
    assert excinfo.value.code == "attachment_too_large"


def test_a_failed_row_write_removes_the_stored_file(sample, owner, media, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(attachments_module, "record_event", broken)
    with pytest.raises(RuntimeError):
        store_attachment(owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", PDF))
    assert not Attachment.objects.exists()
    assert stored_files(media) == []


def test_merged_slots_store_against_their_first_form(owner, media, db):
    load_demo_forms()
    merged = merge_definitions(latest_definitions(["birth_certificate", "newborn_hukou"]))
    attachment = store_attachment(
        owner=owner,
        definition=merged,
        slot="parents_id_cards",
        upload=upload("ids.pdf", PDF),
    )
    assert attachment.definition.key == "birth_certificate"
    assert attachment.slot == "parents_id_cards"
    other = store_attachment(
        owner=owner,
        definition=merged,
        slot="newborn_hukou__household_register",
        upload=upload("book.png", PNG),
    )
    assert (other.definition.key, other.slot) == ("newborn_hukou", "household_register")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\报告.PDF", "报告.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ('a<b>:"c|d?*.png', "a_b___c_d__.png"),
        ("   ", "attachment"),
        (".hidden.pdf", "hidden.pdf"),
        ("x" * 300 + ".pdf", "x" * 100 + ".pdf"),
    ],
)
def test_original_names_are_sanitized(name, expected):
    assert sanitize_name(name) == expected


# --- reading ---------------------------------------------------------------------------


@pytest.fixture
def stored(sample, owner, media):
    return store_attachment(
        owner=owner, definition=sample, slot="scan", upload=upload("scan.pdf", PDF)
    )


def test_the_owner_opens_their_attachment(stored, owner):
    with open_attachment(user=owner, attachment=stored) as handle:
        assert handle.read() == PDF
    event = AuditEvent.objects.get(action="forms.attachment_read")
    assert event.actor_id == owner.pk and event.target_id == str(stored.pk)


def test_others_cannot_open_it(stored):
    stranger = make_user()
    with pytest.raises(NotFound):
        open_attachment(user=stranger, attachment=stored)
    assert not AuditEvent.objects.filter(action="forms.attachment_read").exists()


def test_entitlement_can_be_extended(stored):
    officer = make_user()
    assert not permissions.can_read_attachment(officer, stored)
    assert permissions.can_read_attachment(
        officer, stored, extra_check=lambda user, a: user.pk == officer.pk
    )

    def handles_the_case(user, attachment):
        return user.pk == officer.pk

    permissions.register_attachment_reader(handles_the_case)
    try:
        with open_attachment(user=officer, attachment=stored) as handle:
            assert handle.read() == PDF
    finally:
        permissions.unregister_attachment_reader(handles_the_case)
    assert not permissions.can_read_attachment(officer, stored)
