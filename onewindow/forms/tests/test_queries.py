import pytest

from onewindow.conftest import make_user
from onewindow.forms import queries, services
from onewindow.forms.models import Attachment, FormDefinition
from onewindow.forms.tests.conftest import make_definition


def test_latest_and_specific_versions(db):
    make_definition()
    second = make_definition(title="第二版")
    assert queries.latest_definition("sample") == second
    assert queries.definition_version("sample", 1).title == "示例表单"
    assert [d.version for d in queries.definition_versions("sample")] == [2, 1]
    with pytest.raises(FormDefinition.DoesNotExist):
        queries.latest_definition("missing")
    with pytest.raises(FormDefinition.DoesNotExist):
        queries.definition_version("sample", 3)


def test_drafts_of_an_owner(sample, django_assert_num_queries):
    owner, other = make_user(), make_user()
    for context in ("a", "b", "c"):
        services.save_draft(owner=owner, definition=sample, context=context, data={"age": 1})
    services.save_draft(owner=other, definition=sample, context="a", data={"age": 2})
    with django_assert_num_queries(1):
        drafts = list(queries.drafts_of(owner))
        titles = {d.definition.title for d in drafts}
    assert {d.context for d in drafts} == {"a", "b", "c"}
    assert titles == {"示例表单"}


def test_attachments_are_read_only_by_those_entitled(sample, media):
    from onewindow.forms.attachments import store_attachment
    from onewindow.forms.tests.files import PDF, upload

    owner, stranger = make_user(), make_user()
    attachment = store_attachment(
        owner=owner, definition=sample, slot="scan", upload=upload("a.pdf", PDF)
    )
    assert queries.readable_attachment(owner, attachment.pk) == attachment
    with pytest.raises(Attachment.DoesNotExist):
        queries.readable_attachment(stranger, attachment.pk)
    with pytest.raises(Attachment.DoesNotExist):
        queries.readable_attachment(owner, attachment.pk + 1000)
    assert list(queries.attachments_of(owner)) == [attachment]
    assert list(queries.attachments_of(stranger)) == []
