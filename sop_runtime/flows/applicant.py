"""Notices to the applicant as a Prefect flow: ``sop-beri-tahu-pemohon`` (run every minute
by ``sop orchestrate serve``, one run at a time) sends every notice due
(:mod:`sop_runtime.service.notices`) through the applicant's channel, each as a task with
retries; when the tries are used up, the failure is recorded on the case.

The channel's gateway is the court's, set in the environment as an address pattern with
``{kontak}`` where the applicant's address goes (URL-quoted):

- ``SOP_NOTIFY_EMAIL``: e.g. ``mailtos://pengirim:sandi@smtp.pn-sanana.go.id?to={kontak}``;
- ``SOP_NOTIFY_WHATSAPP``: e.g. ``json://gerbang.pn-sanana.go.id/wa?nomor={kontak}`` (the
  court's WhatsApp gateway) or an Apprise ``whatsapp://`` URL;
- ``SOP_NOTIFY_TELEGRAM``: e.g. ``tgram://TOKEN_BOT/{kontak}``.

A ``file://`` pattern (no ``{kontak}`` needed) appends one JSON line per notice, with the
address under ``kepada``: for tests and for a court that hands the file to its own sender.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from urllib.parse import quote

from prefect import flow, get_run_logger, task

from sop_runtime.flows.common import RETRIES, RETRY_DELAY, runtime
from sop_runtime.flows.notify import send
from sop_runtime.service import notices

TITLE = "Pemberitahuan Pengadilan"
GATEWAYS = {"email": "SOP_NOTIFY_EMAIL", "whatsapp": "SOP_NOTIFY_WHATSAPP",
            "telegram": "SOP_NOTIFY_TELEGRAM"}
LOST = ("pengirim terhenti saat mengirim; tidak diketahui apakah pesan sampai, maka tidak "
        "dikirim ulang")


class NoGateway(RuntimeError):
    """The court set no gateway for the channel."""


def target(channel: str, address: str) -> str:
    """The gateway address for ``address`` on ``channel`` (its setting's pattern)."""
    setting = GATEWAYS.get(channel, "")
    pattern = os.environ.get(setting, "").strip()
    if not pattern:
        raise NoGateway(f"{setting or channel} belum diatur: pengadilan belum menetapkan "
                        f"gerbang untuk saluran {channel}")
    return pattern.replace("{kontak}", quote(address, safe="@+"))


def deliver(out: notices.Outgoing) -> None:
    """Send one notice through its channel's gateway; raises when it did not take it (the
    error never names the address)."""
    where = target(out.channel, out.address)
    taken = send(out.message, case_id=out.key.case_id, node=out.key.node,
                 event="sop.pemohon.diberitahu", to=[where], title=TITLE,
                 recipient=out.address)
    if taken != 1:
        raise RuntimeError(f"gerbang {out.channel} tidak menerima pesan")


@task(name="kirim-pemberitahuan", retries=RETRIES, retry_delay_seconds=RETRY_DELAY)
def send_notice(case_id: str, node: str, attempt: int) -> bool:
    """One try: take the notice, send it, record it; False when there was nothing to send
    (sent or taken already, or the contact is gone). A failed try puts it back."""
    rt = runtime()
    out = notices.take(rt, notices.Key(case_id, node, attempt))
    if out is None:
        return False
    try:
        deliver(out)
    except Exception:
        notices.release(rt, out)
        raise
    return notices.delivered(rt, out)


def send_due(limit: int = 500, one: Callable[[str, str, int], bool] | None = None
             ) -> dict[str, int]:
    """Every notice due, each sent by ``one`` (the task, with its tries); what was sent,
    failed after its tries (recorded), or found stalled (recorded, never sent again)."""
    rt = runtime()
    one = one or send_notice
    sent = failed = 0
    for key in notices.pending(rt, limit=limit):
        try:
            sent += bool(one(key.case_id, key.node, key.attempt))
        except Exception as exc:
            failed += notices.give_up(rt, key, f"{type(exc).__name__}: {exc}")
    stalled = sum(notices.give_up(rt, key, LOST) for key in notices.stalled(rt))
    return {"sent": sent, "failed": failed, "stalled": stalled}


@flow(name="sop-beri-tahu-pemohon", log_prints=False)
def notify_applicants(limit: int = 500) -> dict[str, int]:
    """Send the notices due to applicants (those the SOPs mark, to applicants who agreed)."""
    done = send_due(limit)
    get_run_logger().info("pemberitahuan pemohon: %d terkirim, %d gagal, %d terhenti",
                          done["sent"], done["failed"], done["stalled"])
    return done
