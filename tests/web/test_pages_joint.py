"""A joint step (``bersama``) and a data-decided decision on the web pages: the case page
and the step page say who has acted and who is awaited; the step form offers the data's
decision."""

from __future__ import annotations

from pathlib import Path

from sop_runtime.service import auth, setup, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.e2e.court import library_with
from tests.e2e.test_cli_joint import SOP, STEPS
from tests.web.test_pages import PASSWORD, signed_in


def _court(tmp_path: Path) -> Runtime:
    folder = library_with(tmp_path, STEPS)
    rt = Runtime(make_engine(f"sqlite:///{tmp_path / 'sop.db'}"))
    setup.init(rt, folder)
    for user in ("rina.ptsp", "ahmad.panmudpdt", "hendra.kpn", "bambang.panitera"):
        auth.set_password(rt, user, PASSWORD)
    return rt


def test_the_pages_show_who_has_acted_on_a_joint_step(tmp_path: Path) -> None:
    rt = _court(tmp_path)
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": SOP, "csrf": token})
    case = started.url.path.rsplit("/", 1)[1]
    for step in ("1", "2"):
        web.post(f"/perkara/{case}/langkah/{step}/selesai", data={"csrf": token})
    panmud, token = signed_in(rt, "ahmad.panmudpdt")
    form = panmud.get(f"/perkara/{case}/langkah/3")
    assert "Tentukan dari data perkara" in form.text
    decided = panmud.post(f"/perkara/{case}/langkah/3/selesai",
                          data={"csrf": token, "keputusan": ""})
    assert decided.status_code == 200, decided.text[:500]
    assert "dicatat selesai pada" in decided.text and "Keputusan: Diterima." in decided.text
    state = views.case(rt, case, reader=operator()).state
    done = state.current("3")
    assert done is not None and done.decision == "Diterima"  # step 2 was done in time

    ketua, token = signed_in(rt, "hendra.kpn")
    signed = ketua.post(f"/perkara/{case}/langkah/4/selesai",
                        data={"csrf": token, "nilai.nomor_berita_acara": "1/BA/2026"})
    assert "Tindakan Anda pada langkah bersama 4 (" in signed.text  # not "done" yet
    assert "dicatat selesai" not in signed.text
    page = ketua.get(f"/perkara/{case}")
    assert "sudah: Ketua (hendra.kpn); menunggu: Panitera" in page.text, \
        page.text
    panitera, _ = signed_in(rt, "bambang.panitera")
    step = panitera.get(f"/perkara/{case}/langkah/4")
    assert "menunggu: Panitera" in step.text and "tidak memegang peran" not in step.text
    again = ketua.get(f"/perkara/{case}/langkah/4")
    assert "tidak memegang peran" in again.text  # the Ketua's part is done
