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
    # A returned draft's comment, kept while its author reworks it, and the review trail.
    "a returned draft's comment, after who returned it and when\x04"
    "<strong>Reviewer's comment (%(reviewer)s, %(date)s):</strong> %(comment)s": (
        "<strong>审核意见（%(reviewer)s，%(date)s）：</strong>%(comment)s"
    ),
    "a returned draft's comment, then who returned it and when\x04"
    "%(comment)s (returned by %(reviewer)s, %(date)s)": (
        "%(comment)s（%(reviewer)s 于 %(date)s 退回）"
    ),
    "a version's review: who returned it, when, and what they said\x04"
    "Returned by %(reviewer)s, %(date)s: %(comment)s": "%(reviewer)s 于 %(date)s 退回：%(comment)s",
    "a version's review: who approved it, when, and what they said\x04"
    "Approved by %(reviewer)s, %(date)s: %(comment)s": (
        "%(reviewer)s 于 %(date)s 审核通过：%(comment)s"
    ),
    "a version's review: who approved it and when\x04Approved by %(reviewer)s, %(date)s": (
        "%(reviewer)s 于 %(date)s 审核通过"
    ),
    # An office of a guide.
    "Give the office's address.": "请填写办理地点的地址。",
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
    # A life event's steps handled within one application, and its time.
    "Handled within this event's online application: no separate application is needed.": (
        "已在本件事的网上申请中一并办理，无需另行申请。"
    ),
    "a step of a life event handled within another step's application\x04"
    'Handled within the online application for <a href="#step-%(order)s">%(name)s</a>: '
    "no separate application is needed.": (
        '已在<a href="#step-%(order)s">%(name)s</a>的网上申请中一并办理，无需另行申请。'
    ),
    "The time is the sum of the promised time limits of the services applied for one after "
    "another: the longest the whole application may take. A service handled within "
    "another's application is done within that application's time limit, so it is not "
    "counted again.": (
        "该时间为需依次申请的各事项承诺办结时限之和，即整件申请办理的最长时间；"
        "在其他事项的申请中一并办理的事项，在该申请的承诺时限内办结，不再重复计算。"
    ),
    # A guide that takes no applications here: its level and visits as declared.
    "Declared by the department": "部门公布",
    "In person, until applications are taken online here": "网上申请开通前需到现场办理",
    # A process's steps allowed longer than the item's promised time limit.
    (
        "a process step and its own time limit\x04%(step)s (%(days)d working day)",
        "%(step)s (%(days)d working days)",
    ): "%(step)s（%(days)d 个工作日）",
    (
        "One step of the process allows more time than the item promises (%(promised)s): its "
        "officer would see it as on time after the case is overdue. The case's time limit "
        "still governs; check the step's limit or the promise:",
        "%(counter)s steps of the process allow more time than the item promises "
        "(%(promised)s): their officers would see them as on time after the case is overdue. "
        "The case's time limit still governs; check the steps' limits or the promise:",
    ): (
        "流程中有 %(counter)s 个环节的办理时限长于本事项的承诺时限（%(promised)s）："
        "承办人会在办件超期后仍看到该环节“正常”。办件仍以承诺时限计时，请核实环节时限或承诺时限："
    ),
    # The back office's list, narrowed and paged.
    "Find items": "查找事项",
    "All my departments": "我的全部部门",
    "Code or name contains": "编码或名称包含",
    "Show all items": "显示全部事项",
    "No item matches these filters.": "没有符合筛选条件的事项。",
    ("%(counter)s item matches", "%(counter)s items match"): "找到 %(counter)s 个事项",
    # Brackets around a value: full-width in Chinese, without the space before them.
    "a filter and how many results it has\x04"
    '<span class="facet-label">%(label)s</span> <span class="facet-count">(%(count)s)</span>': (
        '<span class="facet-label">%(label)s</span><span class="facet-count">（%(count)s）</span>'
    ),
    "what uses a definition version, linked, and its state\x04"
    '<a href="%(url)s">%(label)s</a> <span class="muted">(%(note)s)</span>': (
        '<a href="%(url)s">%(label)s</a><span class="muted">（%(note)s）</span>'
    ),
    # Importing: where a problem is, and the items an import leaves alone or refuses.
    "%(sheet)s sheet, row %(row)d": "%(sheet)s 工作表第 %(row)d 行",
    "a problem's place in an imported file: its row\x04Where": "位置",
    "another editor": "其他编辑人员",
    "%(code)s has a version awaiting review (version %(number)d, by %(author)s) that "
    "differs from the file: import the item once it has been reviewed.": (
        "%(code)s 有待审核的版本（第 %(number)d 版，%(author)s 提交），与文件内容不同："
        "请在审核完成后再导入该事项。"
    ),
    "%(author)s has an open draft of %(code)s (version %(number)d) that differs from the "
    "file; it was not overwritten. Ask them to submit it for review and import the item "
    "after the review, or leave the item out of the file.": (
        "%(author)s 有 %(code)s 的草稿（第 %(number)d 版），与文件内容不同，未予覆盖。"
        "请其提交审核，审核完成后再导入该事项；或从文件中删去该事项。"
    ),
    (
        "%(count)d item was unchanged and was left as it is.",
        "%(count)d items were unchanged and were left as they are.",
    ): "%(count)d 个事项没有变化，保持原样。",
    "Upload a file in the format of the export. Every item it changes becomes a new "
    "version awaiting a second editor's review; items it does not change are left as they "
    "are. An item with a version awaiting review, or with another editor's draft, that "
    "differs from the file is a problem: it is not overwritten. If any row has a problem, "
    "nothing is imported.": (
        "请上传与导出格式相同的文件。文件改动的事项将生成新版本，待另一名编辑审核；"
        "未改动的事项保持原样。事项若有待审核的版本或其他编辑的草稿，且与文件内容不同，"
        "即视为问题，不予覆盖。任何一行有问题，整个文件都不导入。"
    ),
    # Withdrawing a draft from review (``reviews.withdraw_from_review``).
    "Withdraw from review": "撤回审核",
    "To change it before then, withdraw it from review: it becomes an editable draft "
    "again, and leaves the review queue until you submit it again.": (
        "如需在审核前修改，可以撤回审核：草稿恢复为可编辑状态，在您重新提交前不再列入待审核列表。"
    ),
    "The draft was withdrawn from review. You can edit it again.": (
        "草稿已撤回审核，可以继续编辑。"
    ),
    "The draft is no longer awaiting review: a reviewer has decided on it, or it was "
    "withdrawn already.": "该草稿已不在待审核状态：审核人已作出决定，或草稿已被撤回。",
    "Only the editor who submitted the draft may withdraw it.": (
        "只有提交该草稿的编辑人员才能撤回审核。"
    ),
    "You submitted it: to edit it now, withdraw it from review on the item's page.": (
        "该草稿由您提交：如需现在修改，请在事项页面撤回审核。"
    ),
    "Draft of a service item withdrawn from review": "撤回事项草稿审核",
    # The search's pages after the first, titled by their number; the home page's
    # services while no guide has been read.
    "“%(q)s” – search (page %(number)s)": "搜索“%(q)s”（第 %(number)s 页）",
    "Services you can apply for online": "可在线申请的事项",
}
