"""Chinese texts of the workflow app's newer messages, as proposed for
``locale/zh_Hans/LC_MESSAGES/django.po``. The ``chinese`` fixture adds those the
compiled catalogue lacks, so the tests can check Chinese output before the .po file
carries them; once it does, the fixture adds nothing. A message with a context is keyed
``"<context>\\x04<msgid>"``, as in the catalogue."""

from __future__ import annotations

PROPOSED_ZH: dict[str, str] = {
    # bundle: refused expressions, files that are not XML
    "The expression in %(element)s %(id)s is refused: %(detail)s.": (
        "%(element)s %(id)s 中的表达式被拒绝：%(detail)s。"
    ),
    "%(names)s cannot be used in process expressions": "流程表达式中不能使用%(names)s",
    "names starting with “_” are not allowed (%(names)s)": (
        "不允许使用以“_”开头的名称（%(names)s）"
    ),
    "attributes starting with “_” or internal to Python cannot be used (%(names)s)": (
        "不能使用以“_”开头的属性或 Python 的内部属性（%(names)s）"
    ),
    "imports are not allowed (%(names)s)": "不允许导入模块（%(names)s）",
    "while loops are not allowed: go through the data with for": (
        "不允许使用 while 循环，请用 for 逐项处理数据"
    ),
    "class definitions are not allowed (%(names)s)": "不允许定义类（%(names)s）",
    "this Python is not allowed in process expressions: %(names)s": (
        "流程表达式中不允许使用这种 Python 写法：%(names)s"
    ),
    "a refused name and its line\x04%(name)s on line %(line)d": "第 %(line)d 行的%(name)s",
    "this is not valid Python": "这不是有效的 Python 代码",
    "this is not valid Python: there is a syntax error at line %(line)d": (
        "这不是有效的 Python 代码：第 %(line)d 行有语法错误"
    ),
    "this is not valid Python: there is a syntax error at line %(line)d, column %(column)d": (
        "这不是有效的 Python 代码：第 %(line)d 行第 %(column)d 列有语法错误"
    ),
    "it uses Python that process expressions do not allow": (
        "其中使用了流程表达式不允许的 Python 写法"
    ),
    "The file is not well-formed XML (line %(line)d, column %(column)d).": (
        "文件不是格式正确的 XML（第 %(line)d 行第 %(column)d 列）。"
    ),
    # the key
    "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
    "or a digit (at most 64 characters).": (
        "只能使用小写字母、数字、连字符和下划线，并以字母或数字开头（最多 64 个字符）。"
    ),
    "Use only lower-case letters, digits, hyphens and underscores, starting with a letter "
    "or a digit.": "只能使用小写字母、数字、连字符和下划线，并以字母或数字开头。",
    "Lower-case letters, digits, hyphens and underscores. An existing process's key uploads "
    "its next version; cases already started keep theirs.": (
        "小写字母、数字、连字符和下划线。使用已有流程的标识即上传其下一版本；"
        "已启动的办件仍按原版本办理。"
    ),
    # who may upload
    "Only an admin of every department in the process's lanes may upload it; you are not "
    "an admin of %(departments)s.": (
        "只有该流程所有泳道所涉部门的管理员才能上传该流程；您不是%(departments)s的管理员。"
    ),
    # why a trial stopped
    "Rule %(rule)d of the decision table (%(expression)s) reads %(names)s, which the case "
    "data does not give.": (
        "决策表第 %(rule)d 条规则（%(expression)s）读取 %(names)s，但办件数据未提供。"
    ),
    "The expression %(expression)s reads %(names)s, which the case data does not give.": (
        "表达式 %(expression)s 读取 %(names)s，但办件数据未提供。"
    ),
    "Rule %(rule)d of the decision table (%(expression)s) cannot be evaluated on the case "
    "data given: %(values)s.": (
        "决策表第 %(rule)d 条规则（%(expression)s）无法按所给的办件数据求值：%(values)s。"
    ),
    "The expression %(expression)s cannot be evaluated on the case data given: %(values)s.": (
        "表达式 %(expression)s 无法按所给的办件数据求值：%(values)s。"
    ),
    "a data name, its value and its type\x04%(name)s = %(value)s (%(type)s)": (
        "%(name)s = %(value)s（%(type)s）"
    ),
    "a JSON type\x04empty": "空值",
    "a JSON type\x04true or false": "布尔值",
    "a JSON type\x04a whole number": "整数",
    "a JSON type\x04a number": "数字",
    "a JSON type\x04text": "文本",
    "a JSON type\x04a list": "列表",
    "a JSON type\x04an object": "对象",
    "a JSON type\x04a date": "日期",
    # how a trial ended
    "The process reached its end at %(end)s.": "流程在“%(end)s”处结束。",
    # a page title: the process or form shown, by name, then its key
    "a page title: a process's or a form's name, and its key\x04%(name)s (%(key)s)": (
        "%(name)s（%(key)s）"
    ),
}
