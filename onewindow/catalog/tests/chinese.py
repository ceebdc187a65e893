"""Chinese texts of the catalog's new and changed messages, as proposed for
``locale/zh_Hans/LC_MESSAGES/django.po``. The ``chinese`` fixture adds those the
compiled catalogue lacks, so the tests can check the Chinese pages (their full-width
punctuation above all) before the .po file carries them; once it does, the fixture
adds nothing. Messages with a context are keyed ``context\\x04msgid`` (as gettext
stores them); plural msgids are ``(singular, plural)`` tuples (Chinese has one form)."""

from __future__ import annotations

PROPOSED_ZH: dict[str | tuple[str, str], str] = {
    # The back office's item page, list and editor.
    "a published version and when it was published\x04Version %(number)s, %(date)s": (
        "第 %(number)s 版，%(date)s"
    ),
    "a field of the draft's comparison that differs between the versions\x04"
    '%(label)s <span class="visually-hidden">(changed)</span><span aria-hidden="true">*</span>': (
        '%(label)s<span class="visually-hidden">（有改动）</span><span aria-hidden="true">*</span>'
    ),
    "a returned draft's comment, after its reviewer\x04"
    "<strong>Reviewer's comment (%(reviewer)s):</strong> %(comment)s": (
        "<strong>审核意见（%(reviewer)s）：</strong>%(comment)s"
    ),
    "a department's name and its code\x04%(name)s (%(code)s)": "%(name)s（%(code)s）",
    # The public guide, its life events and its materials.
    "two sentences in a row, the first in bold\x04<strong>%(first)s</strong> %(second)s": (
        "<strong>%(first)s</strong>%(second)s"
    ),
    "an office's address and its phone number\x04"
    '%(address)s (phone <a href="tel:%(phone)s">%(phone)s</a>)': (
        '%(address)s（电话：<a href="tel:%(phone)s">%(phone)s</a>）'
    ),
    "a guide's version and the day it was published\x04"
    'Version %(number)s, published <time datetime="%(iso)s">%(date)s</time>': (
        '第 %(number)s 版，<time datetime="%(iso)s">%(date)s</time> 发布'
    ),
    "a sentence, then a link to where the page says more\x04"
    '%(sentence)s <a href="#offices">%(link)s</a>': ('%(sentence)s<a href="#offices">%(link)s</a>'),
    "an item of a life event whose guide is not published\x04"
    '%(code)s <span class="muted">(guide not published)</span>': (
        '%(code)s<span class="muted">（办事指南未发布）</span>'
    ),
    "an e-certificate's type and the department that issues it\x04%(type)s (%(department)s)": (
        "%(type)s（%(department)s）"
    ),
    # Online breadth.
    "Take applications online now": "现已开通网上申请",
    "Declared online by their departments (L3 and above)": "部门公布可网上申请（L3 及以上）",
    "Declared entirely online, zero visits (L5)": "部门公布全程网办、零跑动（L5）",
    "The levels L1 to L5 are what each department declares in its service guides. A service "
    "takes applications on this site once the city connects it to the online case system; "
    "until then its guide says where to apply.": (
        "L1 至 L5 的网办深度由各部门在办事指南中公布。事项接入网上办件系统后，"
        "方可在本网站申请；在此之前，请按办事指南所列地点办理。"
    ),
    "Declared online (L3+)": "公布可网办（L3 及以上）",
    "Share declared online": "公布可网办占比",
    "Declared zero visits (L5)": "公布零跑动（L5）",
    "Share declared zero visits": "公布零跑动占比",
    # Binding an item's application: refusals at the process, and the reviewer's warning.
    "This process has no lane for %(department)s: the item's applications would go to "
    "other departments' inboxes. Choose a process with a lane for %(department)s.": (
        "该流程没有%(department)s的泳道：本事项的申请将进入其他部门的待办。"
        "请选择含有%(department)s泳道的流程。"
    ),
    "This process's lanes name departments that do not exist: %(codes)s.": (
        "该流程的泳道指定了不存在的部门：%(codes)s。"
    ),
    "Only an editor of every department in the process's lanes may choose it; you do not "
    "edit %(departments)s.": (
        "只有能编辑流程各泳道所属全部部门事项的人员才能选择该流程；您不能编辑%(departments)s的事项。"
    ),
    "an item of another department\x04%(name)s (%(code)s, %(department)s)": (
        "%(name)s（%(code)s，%(department)s）"
    ),
    (
        "The draft's form %(form)s is also the application form of another department's "
        "item; check that it is meant for this one:",
        "The draft's form %(form)s is also the application form of %(counter)s items of "
        "other departments; check that it is meant for this one:",
    ): "草稿的表单 %(form)s 也是其他部门 %(counter)s 个事项的申请表，请核实它适用于本事项：",
}
