"""`instantly campaigns list | activate ID | pause ID`."""

from __future__ import annotations

import argparse
import itertools
from typing import Any

from instantly_api.types import UNSET

from .._facts import LIST_PAGE_LIMIT_MAX
from ._context import EXIT_OK, Context
from ._labels import CAMPAIGN_STATUS_NAMES, label
from ._output import Output
from ._parsing import positive_int

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `campaigns` and its subcommands to the parser's subcommands."""
    campaigns = commands.add_parser(
        "campaigns", help="list, activate and pause campaigns", parents=[common]
    )
    sub = campaigns.add_subparsers(dest="action", metavar="ACTION", required=True)

    list_ = sub.add_parser("list", help="list the workspace's campaigns", parents=[common])
    list_.add_argument(
        "--limit", type=positive_int, metavar="N", help="show at most N campaigns (default: all)"
    )
    list_.add_argument("--search", metavar="S", help="only campaigns whose name matches S")
    list_.set_defaults(run=list_campaigns)

    for action, verb in (("activate", "start (or resume) sending"), ("pause", "stop sending")):
        parser = sub.add_parser(action, help=f"{verb}: one campaign", parents=[common])
        parser.add_argument("id", metavar="ID")
        parser.set_defaults(run=change_campaign, verb=action)


def _row(campaign: Any) -> list[object]:
    return [campaign.id, label(CAMPAIGN_STATUS_NAMES, campaign.status), campaign.name]


def list_campaigns(ctx: Context) -> int:
    """Every matching campaign (at most `--limit`), fetched page by page."""
    args = ctx.args
    page = min(args.limit, LIST_PAGE_LIMIT_MAX) if args.limit else UNSET
    listing = ctx.client().campaigns.list(search=args.search or UNSET, limit=page)
    campaigns = list(itertools.islice(listing, args.limit))

    def render(out: Output) -> None:
        out.table(["id", "status", "name"], map(_row, campaigns))
        out.line(f"{len(campaigns)} campaign{'s' if len(campaigns) != 1 else ''}")

    ctx.out.result({"campaigns": [c.to_dict() for c in campaigns]}, render)
    return EXIT_OK


def change_campaign(ctx: Context) -> int:
    """Activate or pause one campaign; print its status as the API returns it."""
    campaigns = ctx.client().campaigns
    verb: str = ctx.args.verb
    campaign = (campaigns.activate if verb == "activate" else campaigns.pause)(ctx.args.id)

    def render(out: Output) -> None:
        status = label(CAMPAIGN_STATUS_NAMES, campaign.status)
        out.line(f"{verb}d  {campaign.id}  {campaign.name}: {status}")

    ctx.out.result({"campaign": campaign.to_dict()}, render)
    return EXIT_OK
