import pytest

from onewindow.workflow import registry
from onewindow.workflow.registry import ServiceCall


def test_register_look_up_and_refuse_duplicates() -> None:
    def first(call: ServiceCall) -> int:
        return 1

    def second(call: ServiceCall) -> int:
        return 2

    registry.register("test_first")(first)
    try:
        assert registry.get("test_first") is first
        assert registry.is_registered("test_first")
        assert "test_first" in registry.names()
        registry.register("test_first")(first)  # the same function again is harmless
        with pytest.raises(ValueError, match="already registered"):
            registry.register("test_first")(second)
    finally:
        registry.unregister("test_first")
    with pytest.raises(registry.UnknownServiceFunction):
        registry.get("test_first")


def test_the_workflow_app_offers_record_result() -> None:
    assert registry.is_registered("record_result")


def test_a_function_is_labelled_in_the_reader_s_language_else_named() -> None:
    from django.utils import translation

    with translation.override("en"):
        assert (
            registry.label("escalate_to_lead") == "Tell the department's leads the task is overdue"
        )
    with translation.override("zh-hans"):
        assert registry.label("record_result") == "在办件上记录办理结果"
    registry.register("test_unlabelled")(lambda call: None)
    try:
        assert registry.label("test_unlabelled") == "test_unlabelled"
    finally:
        registry.unregister("test_unlabelled")
    assert registry.label("removed_long_ago") == "removed_long_ago"
