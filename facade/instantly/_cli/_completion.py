"""`instantly completion bash|zsh`: a shell completion script (no dependency).

The script asks `instantly completion words -- WORD...` for the candidates after the words typed
so far: the subcommands and options of the parser those words reach, read from the same
argparse parser the command line runs (only the chosen group is built, so a Tab is quick).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ._context import Context

__all__ = ["candidates", "register"]

_BASH: Final = """\
# bash completion for instantly: eval "$(instantly completion bash)" (e.g. in ~/.bashrc)
_instantly_complete() {
    local IFS=$'\\n'
    local words
    words=$(instantly completion words -- "${COMP_WORDS[@]:1:COMP_CWORD-1}" 2>/dev/null)
    COMPREPLY=($(compgen -W "$words" -- "${COMP_WORDS[COMP_CWORD]}"))
}
complete -o default -F _instantly_complete instantly
"""
_ZSH: Final = """\
# zsh completion for instantly: eval "$(instantly completion zsh)" (e.g. in ~/.zshrc)
autoload -U +X bashcompinit && bashcompinit
""" + _BASH.split("\n", 1)[1]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `completion` to the parser's subcommands."""
    completion = commands.add_parser(
        "completion",
        help="print a bash or zsh completion script",
        description='Print a completion script: eval "$(instantly completion bash)" in '
        '~/.bashrc, or eval "$(instantly completion zsh)" in ~/.zshrc.',
        parents=[common],
    )
    completion.add_argument(
        "shell", choices=["bash", "zsh", "words"], help="the shell (`words`: used by the script)"
    )
    completion.add_argument("words", nargs="*", help=argparse.SUPPRESS)
    completion.set_defaults(run=print_completion)


def candidates(words: list[str]) -> list[str]:
    """What may follow `words`: the reached parser's subcommands, then its options."""
    from ._app import build_parser

    node = build_parser(words)
    for word in words:
        sub = _subcommands(node)
        if sub is None or word not in sub.choices:
            continue
        node = sub.choices[word]
    sub = _subcommands(node)
    found = list(sub.choices) if sub is not None else []
    for action in node._actions:
        if action.help != argparse.SUPPRESS:
            found += [o for o in action.option_strings if o.startswith("--")]
    return found


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    return next((a for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None)


def print_completion(ctx: Context) -> int:
    """The script for the shell, or (for the script) the candidates after the given words."""
    shell = ctx.args.shell
    if shell == "words":
        ctx.out.stdout.write("".join(f"{word}\n" for word in candidates(ctx.args.words)))
    else:
        ctx.out.stdout.write(_BASH if shell == "bash" else _ZSH)
    ctx.out.stdout.flush()
    return 0
