"""`instantly demo`: the command line against an embedded fake Instantly, no key, no network.

It starts `instantly.testing.FakeInstantly` on loopback with 150 accounts and short warmup jobs,
then runs real `instantly ...` commands against it, each shown as typed, with its output and
what the fake saw (requests sent, state changed): list; an invalid address refused with zero
requests; a pause, verified; warmup disabled on 150 accounts (two requests: the library splits
at 100) and waited on with progress; a resume, verified; then a campaign launch: 2,500 leads
imported from a CSV file into a draft campaign (three requests: the library splits at the spec's
1,000) and the campaign activated, verified. A check that does not hold ends the demo with exit
code 1.
"""

from __future__ import annotations

import argparse
import csv
import shlex
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

from .._config import ENV_API_KEY, ENV_BASE_URL
from .._facts import ACCOUNT_STATUS_ACTIVE, ACCOUNT_STATUS_PAUSED, BULK_EMAILS_MAX
from ._context import EXIT_API_ERROR, EXIT_OK, EXIT_USAGE, Context
from ._output import Output

if TYPE_CHECKING:
    from instantly.testing import FakeInstantly

__all__ = ["register"]

DEMO_ACCOUNTS: Final = 150  # more than BULK_EMAILS_MAX, so the warmup call is split in two
DEMO_API_KEY: Final = "demo-key-accepted-by-the-fake"
INVALID_EMAIL: Final = "two@@example.com"
_WARMUP_PAUSED: Final = 0  # Account.warmup_status 0: "Paused" (spec x-enumDescriptions)
DEMO_LEADS: Final = 2500  # more than the bulk-add maxItems (1,000), so the import is split
_CAMPAIGN_ACTIVE: Final = 1  # Campaign.status 1: "Active" (spec x-enumDescriptions)
_DEMO_STEPS: Final = [
    {"type": "email", "delay": 2, "variants": [{"subject": "Hi {{firstName}}", "body": "Hello"}]}
]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `demo` to the parser's subcommands."""
    demo = commands.add_parser(
        "demo",
        help="a tour against an embedded fake API (no key, no network, a few seconds)",
        parents=[common],
    )
    demo.set_defaults(run=run_demo)


class DemoCheckFailed(Exception):
    """Something the demo verifies on the fake did not hold."""


@dataclass
class _Step:
    title: str
    argv: list[str]
    exit_code: int | None = None
    requests: dict[str, int] = field(default_factory=dict)
    checks: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "command": ["instantly", *self.argv],
            "exit_code": self.exit_code,
            "requests": self.requests,
            "checks": self.checks,
        }


def _shown(argv: Sequence[str]) -> str:
    """The command as typed, with a long run of addresses abbreviated."""
    words = [shlex.quote(a) for a in argv]
    if len(words) > 8:
        emails = [w for w in words if "@" in w]
        if len(emails) > 4:
            first, last = words.index(emails[0]), words.index(emails[-1])
            words[first : last + 1] = [
                emails[0],
                emails[1],
                f"... ({len(emails)} addresses) ...",
                emails[-1],
            ]
    return "instantly " + " ".join(words)


class _Tour:
    """Runs each step's command in-process against the fake and checks what happened."""

    def __init__(self, ctx: Context, fake: FakeInstantly, base_url: str) -> None:
        self.ctx = ctx
        self.fake = fake
        self.base_url = base_url
        self.steps: list[_Step] = []

    def say(self, text: str) -> None:
        """Narrate: the result in human mode; with --json on stderr, beside the commands' output.

        Flushed at once, so the commands' stderr (errors, progress) lands after it in a terminal.
        """
        out = self.ctx.out
        stream = out.stderr if out.json_mode else out.stdout
        stream.write(text + "\n")
        stream.flush()

    def step(
        self,
        title: str,
        argv: list[str],
        *,
        expect_exit: int = EXIT_OK,
        check: Callable[[_Step], None] | None = None,
    ) -> None:
        from ._app import run

        step = _Step(title, argv)
        self.steps.append(step)
        self.say("")
        self.say(f"== {len(self.steps)}. {title}")
        self.say(f"$ {_shown(argv)}")
        seen = len(self.fake.requests)
        out = self.ctx.out
        step.exit_code = run(
            argv,
            stdout=out.stderr if out.json_mode else out.stdout,
            stderr=out.stderr,
            environ={ENV_API_KEY: DEMO_API_KEY, ENV_BASE_URL: self.base_url},
            tqdm=self.ctx.tqdm,
        )
        sent = self.fake.requests[seen:]
        step.requests = dict(Counter(f"{r.method} {_route(r.path)}" for r in sent))
        listed = ", ".join(f"{what} x{n}" for what, n in step.requests.items()) or "none"
        self.say(f"-> exit code {step.exit_code}; requests the fake received: {listed}")
        if step.exit_code != expect_exit:
            raise DemoCheckFailed(
                f"step {len(self.steps)} exited with {step.exit_code}, expected {expect_exit}"
            )
        if check is not None:
            check(step)

    def verified(self, step: _Step, ok: bool, what: str) -> None:
        if not ok:
            raise DemoCheckFailed(f"step {len(self.steps)}: expected {what}")
        step.checks.append(what)
        self.say(f"-> verified: {what}")


def _route(path: str) -> str:
    """A request path with a job id replaced by `{id}`, so the polls of several jobs add up."""
    parts = path.split("/")
    if len(parts) >= 5 and parts[3] == "background-jobs":
        parts[4] = "{id}"
    return "/".join(parts)


def _tour(tour: _Tour, emails: list[str]) -> None:
    fake, first = tour.fake, emails[0]

    tour.step(f"List accounts (the fake holds {len(emails)})", ["accounts", "list", "--limit", "5"])

    def nothing_sent(step: _Step) -> None:
        tour.verified(step, not step.requests, "the invalid address was refused with 0 requests")

    tour.step(
        "Pause with validation: an invalid address never reaches the API",
        ["accounts", "pause", INVALID_EMAIL],
        expect_exit=EXIT_USAGE,
        check=nothing_sent,
    )

    def paused(step: _Step) -> None:
        status = fake.account(first)["status"]
        tour.verified(step, status == ACCOUNT_STATUS_PAUSED, f"{first} has status 2 (paused)")

    tour.step("Pause one account", ["accounts", "pause", first], check=paused)

    def warmup_disabled(step: _Step) -> None:
        posts = step.requests.get("POST /api/v2/accounts/warmup/disable", 0)
        expected = -(-len(emails) // BULK_EMAILS_MAX)
        tour.verified(
            step,
            posts == expected,
            f"{len(emails)} addresses sent as {expected} requests of at most {BULK_EMAILS_MAX}",
        )
        off = sum(fake.account(e)["warmup_status"] == _WARMUP_PAUSED for e in emails)
        tour.verified(step, off == len(emails), f"warmup is paused on all {len(emails)} accounts")

    tour.step(
        "Disable warmup on every account and wait for the jobs, with progress",
        ["warmup", "disable", "--email", *emails, "--wait", "--timeout", "60"],
        check=warmup_disabled,
    )

    def resumed(step: _Step) -> None:
        status = fake.account(first)["status"]
        tour.verified(step, status == ACCOUNT_STATUS_ACTIVE, f"{first} has status 1 (active)")

    tour.step("Resume the paused account", ["accounts", "resume", first], check=resumed)
    _launch(tour, emails)


def _write_leads(path: str, count: int) -> None:
    with open(path, "w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["email", "first_name", "company_name"])
        writer.writerows([f"lead{i:04d}@example.com", f"Lead {i}", "Acme"] for i in range(count))


def _launch(tour: _Tour, emails: list[str]) -> None:
    """Import a CSV of leads into a draft campaign, then activate it."""
    fake = tour.fake
    draft = fake.campaigns.add(
        "Spring outreach", email_list=emails[1:3], sequences=[{"steps": _DEMO_STEPS}]
    )
    campaign_id = str(draft["id"])
    tour.say("")
    tour.say(f"(the fake now holds a draft campaign {campaign_id}, as made in the web app)")
    with tempfile.TemporaryDirectory(prefix="instantly-demo-") as folder:
        path = f"{folder}/leads.csv"
        _write_leads(path, DEMO_LEADS)

        def imported(step: _Step) -> None:
            posts = step.requests.get("POST /api/v2/leads/add", 0)
            tour.verified(
                step, posts == 3, f"{DEMO_LEADS} leads sent as 3 requests of at most 1000"
            )
            count = len(fake.leads.in_campaign(campaign_id))
            tour.verified(step, count == DEMO_LEADS, f"the campaign holds {DEMO_LEADS} leads")

        tour.step(
            "Import leads from a CSV file into the campaign, with progress",
            ["leads", "import", path, "--campaign", campaign_id],
            check=imported,
        )

    def activated(step: _Step) -> None:
        status = fake.campaigns.get(campaign_id)["status"]
        tour.verified(step, status == _CAMPAIGN_ACTIVE, "the campaign has status 1 (active)")

    tour.step("Launch the campaign", ["campaigns", "activate", campaign_id], check=activated)


def run_demo(ctx: Context) -> int:
    """Serve the fake, run the tour, print what happened; exit 1 if a check did not hold."""
    from instantly.testing import FakeInstantly, JobScript

    started = time.monotonic()
    fake = FakeInstantly(job_script=JobScript.success(pending=0.3, running=1.2, steps=4))
    emails = fake.seed_accounts(DEMO_ACCOUNTS)
    out: Output = ctx.out
    with fake.serve() as base_url:
        tour = _Tour(ctx, fake, base_url)
        tour.say(f"instantly demo: a fake Instantly API on {base_url} (any key; no network)")
        try:
            _tour(tour, emails)
        except DemoCheckFailed as exc:
            out.error(f"demo check failed: {exc}")
            return EXIT_API_ERROR
    elapsed = time.monotonic() - started
    total = len(fake.requests)

    def render(out: Output) -> None:
        out.line("")
        out.line(f"demo done: {len(tour.steps)} steps, {total} requests, {elapsed:.1f} s.")
        out.line(
            "Against Instantly itself: export INSTANTLY_API_KEY=... and run the same commands."
        )

    summary = {
        "ok": True,
        "requests": total,
        "seconds": round(elapsed, 2),
        "steps": [step.as_dict() for step in tour.steps],
    }
    out.result(summary, render)
    return EXIT_OK
