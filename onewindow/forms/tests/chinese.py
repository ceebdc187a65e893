"""Chinese texts of the forms app's messages, as proposed for
``locale/zh_Hans/LC_MESSAGES/django.po``. The ``chinese`` fixture adds those the
compiled catalogue lacks, so the tests can check Chinese output before the .po file
carries them; once it does, the fixture adds nothing. Plural msgids are
``(singular, plural)`` tuples (Chinese has one form)."""

from __future__ import annotations

PROPOSED_ZH: dict[str | tuple[str, str], str] = {
    # models
    "key": "标识",
    "version": "版本",
    "title": "标题",
    "English title": "英文标题",
    "schema": "结构定义",
    "layout": "版式",
    "attachments": "附件",
    "created at": "创建时间",
    "form definition": "表单定义",
    "form definitions": "表单定义",
    # validation of answers
    "Some answers need correcting.": "部分填写内容需要修改。",
    "Tick this box to continue.": "请勾选此项后继续。",
    "Choose at least one option.": "请至少选择一项。",
    "Choose an option.": "请选择一项。",
    "Enter a number.": "请输入数字。",
    "Choose yes or no.": "请选择“是”或“否”。",
    "Choose from the options shown.": "请从给出的选项中选择。",
    ("Enter at least %(limit)d character.", "Enter at least %(limit)d characters."): (
        "请至少输入 %(limit)d 个字符。"
    ),
    ("Enter at most %(limit)d character.", "Enter at most %(limit)d characters."): (
        "最多输入 %(limit)d 个字符。"
    ),
    "This is not in the expected format.": "格式不正确。",
    "Enter a number of at least %(limit)s.": "请输入不小于 %(limit)s 的数。",
    "Enter a number of at most %(limit)s.": "请输入不大于 %(limit)s 的数。",
    "Choose one of the options shown.": "请从给出的选项中选择。",
    ("Choose at least %(limit)d option.", "Choose at least %(limit)d options."): (
        "请至少选择 %(limit)d 项。"
    ),
    ("Choose at most %(limit)d option.", "Choose at most %(limit)d options."): (
        "最多选择 %(limit)d 项。"
    ),
    "This answer is not valid.": "填写内容无效。",
    "Enter a real date, for example 2024-03-07.": "请输入真实的日期，例如 2024-03-07。",
    "Enter an email address like name@example.com.": "请输入电子邮箱地址，例如 name@example.com。",
    # attachments
    "This form has no such attachment.": "此表单没有该附件项。",
    "The selected file is empty.": "所选文件为空。",
    "The file must be one of these types: %(types)s.": "文件类型必须是以下之一：%(types)s。",
    "The file name must end in %(extensions)s to match its content.": (
        "文件名须以 %(extensions)s 结尾，与文件内容一致。"
    ),
    "The file must be smaller than %(size)s MB.": "文件不能超过 %(size)s MB。",
    "There is no such attachment.": "没有该附件。",
    # rendering
    "Accepted: %(types)s; up to %(size)s MB.": "可上传 %(types)s 格式，不超过 %(size)s MB。",
    "Choose…": "请选择…",
    "Error:": "错误：",
    "Documents to upload": "上传材料",
    'Uploaded: <a href="%(url)s">%(name)s</a> (%(size)s). Choose a file only to replace it.': (
        '已上传：<a href="%(url)s">%(name)s</a>（%(size)s）。如需替换，请重新选择文件。'
    ),
    # merging
    "Merge at least one form, each only once.": "请至少合并一张表单，且每张表单只能出现一次。",
    "These forms cannot be merged: shared fields disagree.": (
        "这些表单无法合并：共用字段的定义不一致。"
    ),
    "The shared field %(name)s is defined differently in %(first)s and %(second)s "
    "(%(keyword)s).": "共用字段 %(name)s 在 %(first)s 和 %(second)s 中的定义不同（%(keyword)s）。",
    "The shared attachment %(key)s has no file type all forms accept.": (
        "共用附件 %(key)s 没有各表单都接受的文件类型。"
    ),
    # services
    "You may not publish form definitions.": "您无权发布表单定义。",
    "Another version of this form was just published. Try again.": (
        "此表单刚刚发布了另一个版本，请重试。"
    ),
    # checking definitions
    "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
    "or a digit (at most 64 characters).": (
        "只能使用小写字母、数字、连字符和下划线，并以字母或数字开头（最多 64 个字符）。"
    ),
    "Enter a title.": "请输入标题。",
    "This form definition has problems.": "此表单定义存在问题。",
    "The schema must be a JSON object.": "结构定义必须是 JSON 对象。",
    "Remote references are not allowed: %(ref)s": "不允许引用远程地址：%(ref)s",
    "References are not supported: %(ref)s": "不支持引用：%(ref)s",
    "The schema must use JSON Schema draft 2020-12.": "结构定义必须使用 JSON Schema 2020-12 版本。",
    # JSON Schema's own check (metaschema.py)
    "Property “%(name)s”: %(problem)s": "属性“%(name)s”：%(problem)s",
    "The schema": "结构定义",
    "%(keyword)s must be %(expected)s, not %(value)s.": (
        "%(keyword)s 必须是%(expected)s，现为 %(value)s。"
    ),
    "%(keyword)s must be one of %(choices)s, not %(value)s.": (
        "%(keyword)s 必须是 %(choices)s 之一，现为 %(value)s。"
    ),
    "%(keyword)s must be at least %(limit)s, not %(value)s.": (
        "%(keyword)s 不能小于 %(limit)s，现为 %(value)s。"
    ),
    "%(keyword)s lists a value more than once.": "%(keyword)s 中有重复的值。",
    "%(keyword)s must not be empty.": "%(keyword)s 不能为空。",
    "%(keyword)s: JSON Schema does not accept %(value)s here.": (
        "%(keyword)s：JSON Schema 在此处不接受 %(value)s。"
    ),
    "%(keyword)s is not a valid regular expression: %(value)s.": (
        "%(keyword)s 不是有效的正则表达式：%(value)s。"
    ),
    "Attachment %(number)d has no key: give it one of lower-case letters, digits and "
    "single underscores.": (
        "第 %(number)d 个附件没有标识：请用小写字母、数字和单个下划线为其设置标识。"
    ),
    "between alternatives\x04 or ": "或",
    "a JSON type\x04text": "文本",
    "a JSON type\x04a whole number": "整数",
    "a JSON type\x04a number": "数字",
    "a JSON type\x04true or false": "布尔值",
    "a JSON type\x04a list": "列表",
    "a JSON type\x04an object": "对象",
    "Property “%(name)s”: its type %(type)s is not one of %(types)s.": (
        "属性“%(name)s”：类型 %(type)s 不是 %(types)s 之一。"
    ),
    "The keyword %(keyword)s is not supported.": "不支持关键字 %(keyword)s。",
    "additionalProperties may only be false.": "additionalProperties 只能为 false。",
    "The schema must be an object with at least one property.": (
        "结构定义必须是至少包含一个属性的对象。"
    ),
    "The required list names a property that does not exist: %(name)s": (
        "必填列表中的属性不存在：%(name)s"
    ),
    "Property names use lower-case letters, digits and single underscores, starting with a "
    "letter: %(name)s": "属性名须以字母开头，只能使用小写字母、数字和单个下划线：%(name)s",
    "%(name)s: the type must be one of %(types)s.": "%(name)s：类型必须是 %(types)s 之一。",
    "%(name)s: the keyword %(keyword)s is not supported for %(type)s.": (
        "%(name)s：%(type)s 类型不支持关键字 %(keyword)s。"
    ),
    "%(name)s: a title (the Chinese label) is required.": "%(name)s：必须填写 title（中文标签）。",
    "%(name)s: the format must be one of %(formats)s.": "%(name)s：格式必须是 %(formats)s 之一。",
    "%(name)s: the pattern is not a valid regular expression.": (
        "%(name)s：pattern 不是有效的正则表达式。"
    ),
    "%(name)s: x-shared must be true or false.": "%(name)s：x-shared 必须为 true 或 false。",
    "%(name)s: a list must have items of one type with an enum of choices.": (
        "%(name)s：列表的 items 必须是单一类型，并带有可选值 enum。"
    ),
    "%(name)s: enum must be a non-empty list of distinct values of the property's type.": (
        "%(name)s：enum 必须是非空列表，各值互不相同且与属性类型一致。"
    ),
    "The layout must have a list of sections, each with a title and a list of fields.": (
        "版式必须包含分节列表，每节都有标题和字段列表。"
    ),
    "The layout names a field that is not in the schema: %(name)s": (
        "版式中的字段不在结构定义中：%(name)s"
    ),
    "The field %(name)s appears more than once in the layout.": (
        "字段 %(name)s 在版式中出现了多次。"
    ),
    "The schema property %(name)s is missing from the layout.": "版式中缺少属性 %(name)s。",
    "The layout's fields must be an object of hints by field name.": (
        "版式的 fields 必须是以字段名为键的提示对象。"
    ),
    "%(name)s: hints must be an object.": "%(name)s：提示必须是对象。",
    "%(name)s: unknown layout hint %(hint)s.": "%(name)s：未知的版式提示 %(hint)s。",
    "%(name)s: the widget %(widget)s does not fit a property of type %(type)s.": (
        "%(name)s：控件 %(widget)s 不适用于 %(type)s 类型的属性。"
    ),
    "%(name)s: the widget %(widget)s needs a list of choices (enum).": (
        "%(name)s：控件 %(widget)s 需要可选值列表（enum）。"
    ),
    "%(name)s: %(hint)s must have one label per choice.": (
        "%(name)s：%(hint)s 必须为每个选项提供一个标签。"
    ),
    "%(name)s: autocomplete is not a valid token.": "%(name)s：autocomplete 不是有效的取值。",
    "Attachment slots must be a list of objects.": "附件项必须是对象列表。",
    "Attachment keys use lower-case letters, digits and single underscores: %(key)s": (
        "附件标识只能使用小写字母、数字和单个下划线：%(key)s"
    ),
    "The attachment key %(key)s is used twice.": "附件标识 %(key)s 重复使用。",
    "Attachment %(key)s: unknown setting %(setting)s.": "附件 %(key)s：未知设置 %(setting)s。",
    "Attachment %(key)s: a label is required.": "附件 %(key)s：必须填写名称。",
    "Attachment %(key)s: types must be chosen from %(types)s.": (
        "附件 %(key)s：文件类型必须从 %(types)s 中选择。"
    ),
    "Attachment %(key)s: max_mb must be more than 0 and at most %(max)s.": (
        "附件 %(key)s：max_mb 必须大于 0 且不超过 %(max)s。"
    ),
    "Attachment %(key)s: %(setting)s must be true or false.": (
        "附件 %(key)s：%(setting)s 必须为 true 或 false。"
    ),
    # conditional questions
    "This field is required because you chose “%(answer)s”.": ("您选择了“%(answer)s”，此项必填。"),
    "required if you choose “%(answer)s”": "选择“%(answer)s”时必填",
    "required for some of your answers": "视您的部分回答而定为必填",
    # date bounds
    "Enter a date no earlier than today.": "请输入不早于今天的日期。",
    "Enter a date no earlier than %(date)s.": "请输入不早于 %(date)s 的日期。",
    "Enter a date no later than today.": "请输入不晚于今天的日期。",
    "Enter a date no later than %(date)s.": "请输入不晚于 %(date)s 的日期。",
    '%(name)s: %(keyword)s is only for dates ("format": "date").': (
        '%(name)s：%(keyword)s 只能用于日期（"format": "date"）。'
    ),
    '%(name)s: %(keyword)s must be "today" or a date like 2024-03-07.': (
        '%(name)s：%(keyword)s 必须是 "today" 或形如 2024-03-07 的日期。'
    ),
    "%(name)s: notBefore is later than notAfter.": "%(name)s：notBefore 晚于 notAfter。",
    # the sex of an identity number's holder (holderSex)
    "This identity number is a man's; enter a woman's.": (
        "此身份证号码属于男性，请填写女性的身份证号码。"
    ),
    "This identity number is a woman's; enter a man's.": (
        "此身份证号码属于女性，请填写男性的身份证号码。"
    ),
    "%(name)s: holderSex is for an identity number answer (format cn-id).": (
        "%(name)s：holderSex 只能用于身份证号码（format 为 cn-id）。"
    ),
    '%(name)s: holderSex must be "male" or "female", not %(value)s.': (
        '%(name)s：holderSex 必须为 "male" 或 "female"，现为 %(value)s。'
    ),
    # an answer that must be the applicant's own (isApplicants)
    "Enter your own identity number, as registered with your account.": (
        "请填写您本人的身份证号码，须与账户登记的一致。"
    ),
    "This must be as registered with your account.": "须与您账户登记的信息一致。",
    # labels
    "%(name)s: the label “%(label)s” is also the label of %(other)s.": (
        "%(name)s：标签“%(label)s”与 %(other)s 的标签重复。"
    ),
    # Chinese punctuation around labels (pgettext: context, then \x04, then the msgid)
    "error summary\x04%(label)s: %(message)s": "%(label)s：%(message)s",
    'form field\x04%(label)s <span class="optional">(optional)</span>': (
        '%(label)s<span class="optional">（选填）</span>'
    ),
    'form field\x04%(label)s <span class="optional">(%(condition)s)</span>': (
        '%(label)s<span class="optional">（%(condition)s）</span>'
    ),
    # a page title: the process or form shown, by name, then its key
    "a page title: a process's or a form's name, and its key\x04%(name)s (%(key)s)": (
        "%(name)s（%(key)s）"
    ),
}
