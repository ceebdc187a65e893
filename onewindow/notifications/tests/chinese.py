"""Chinese texts of the notifications' newer messages, as proposed for
``locale/zh_Hans/LC_MESSAGES/django.po``. The ``chinese`` fixture adds those the
compiled catalogue lacks, so the tests can check the Chinese notices before the .po file
carries them; once it does, the fixture adds nothing."""

from __future__ import annotations

PROPOSED_ZH: dict[str, str] = {
    # A catalog editor's draft, decided by the second editor (``catalog.notifications``).
    "Your draft of %(code)s was returned": "您提交的事项 %(code)s 草稿已被退回",
    "%(reviewer)s returned your draft (version %(version)s) of the service item "
    "“%(name)s” (%(code)s). Please revise it as the comment asks and submit it for "
    "review again.": (
        "%(reviewer)s 退回了您提交的事项“%(name)s”（%(code)s）第 %(version)s 版草稿，"
        "请按意见修改后重新提交审核。"
    ),
    "Your draft of %(code)s was published": "您提交的事项 %(code)s 草稿已审核发布",
    "%(reviewer)s approved your draft (version %(version)s) of the service item "
    "“%(name)s” (%(code)s). It is published: citizens now read this version of the "
    "guide.": (
        "%(reviewer)s 审核通过了您提交的事项“%(name)s”（%(code)s）第 %(version)s 版草稿。"
        "该版本已发布，群众现在看到的是这一版办事指南。"
    ),
    # A refusal's remedies (``case_decided``, with a reason).
    "If you disagree with this decision, you may apply for administrative reconsideration "
    "within 60 days of receiving it, or bring an administrative lawsuit within six months.": (
        "如对本决定不服，可以自收到本决定之日起六十日内依法申请行政复议，"
        "或者在六个月内依法提起行政诉讼。"
    ),
}
