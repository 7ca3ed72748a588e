"""click's own words (help headings, usage errors) in Chinese.

click passes every sentence it prints through ``gettext``; it binds that function in each of
its modules when imported. Setting the name in those modules to :func:`translate` makes help
and usage errors Chinese for this program without touching the process's locale or the
gettext domain other libraries use. A sentence click adds in a later version and this table
lacks prints in English, and ``tests/test_chinese.py`` finds it.
"""

from __future__ import annotations

import click

__all__ = ["translate", "translate_plural", "install", "localize", "MESSAGES", "OPTIONS_METAVAR"]

#: click's sentence → ours (format fields kept as click fills them).
MESSAGES: dict[str, str] = {
    "Usage:": "用法：",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s %(version)s",
    "Aborted!": "已中止。",
    "deprecated": "已弃用",
    "required": "必填",
    "Missing command.": "缺少命令。",
    "Got unexpected extra argument ({args})": "多了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多了参数（{args}）",
    "Value must be an iterable.": "取值应为列表。",
    "env var: {var}": "环境变量：{var}",
    "default: {default}": "默认：{default}",
    "(dynamic)": "（动态）",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "Did you mean {possibility}?": "是否想写 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是否想写其中之一：{possibilities}？）",
    "Missing argument": "缺少参数",
    "unknown error": "未知错误",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的取值无效：{message}",
    "Missing option": "缺少选项",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Error: {message}": "错误：{message}",
    "Try '{command} {option}' for help.": "用“{command} {option}”查看帮助。",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value: {message}": "取值无效：{message}",
    "Missing {param_type}": "缺少必填项",
    "Invalid start character for option ({option})": "选项的开头字符不对（{option}）",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} is not one of {choices}.": "{value!r} 不在可选值 {choices} 之中。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 之内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值，可用：{states}",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数字。",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是一个文件（这里需要文件夹）。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是一个文件夹（这里需要文件）。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 无法执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "Do you want to continue?": "要继续吗？",
    "Confirm the action without prompting.": "不提示，直接确认。",
    "Press any key to continue...": "按任意键继续……",
    "Repeat for confirmation": "再输入一次以确认",
    "Error: The two entered values do not match.": "错误：两次输入不一致。",
    "Error: invalid input": "错误：输入无效",
}


def translate(message: str) -> str:
    """click's ``gettext``: our sentence for ``message``, or the message itself."""
    return MESSAGES.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    """click's ``ngettext``."""
    return translate(singular if n == 1 else plural)


def install() -> None:
    """Make click speak Chinese in this process (idempotent)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import click.utils

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.termui,
                   click.types, click.utils):
        if hasattr(module, "_"):
            module._ = translate
        if hasattr(module, "ngettext"):
            module.ngettext = translate_plural


#: How a command's usage line shows its options (click's own is ``[OPTIONS]``).
OPTIONS_METAVAR = "[选项]"


def localize(command: click.Command) -> click.Command:
    """Set ``command``'s usage-line words (and its subcommands') in Chinese; returns it."""
    command.options_metavar = OPTIONS_METAVAR
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            localize(sub)
    return command
