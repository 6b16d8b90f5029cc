"""``sop seal``: seal the log, list and check the seals, give and check inclusion proofs."""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.audit.heads import SignedHead
    from sop_runtime.service.seals import SealCheck

seal_app = typer.Typer(
    help="Segel log (kepala pohon Merkle RFC 9162 atas seluruh log menurut urutan masuk) / "
         "seal the log (a head of the RFC 9162 Merkle tree over the whole log, in append "
         "order).",
    no_args_is_help=True, rich_markup_mode=None)


@seal_app.command("create")
def create(
    actor: opt.Supervisor,
    note: Annotated[str | None, typer.Option(
        "--note", metavar="TEXT", help="Keterangan (mis. laporan bulan) / note")] = None,
    as_json: opt.Json = False,
) -> None:
    """Segel log sekarang: entri sejak segel terakhir masuk pohon / seal the log now: the
    entries since the last seal join the tree."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import seals
    from sop_runtime.wording import moment_text

    rt = runtime()
    s = seals.seal(rt, actor, note=note)
    if as_json:
        print_json(_seal_json(s))
        return
    say(tr("[bold green]✓[/] Segel #{n}: {k} entri log (peristiwa perkara dan entri jurnal "
           "pengadilan), {t}\n  akar: [bold]{r}[/]",
           "[bold green]✓[/] Seal #{n}: {k} log entries (case events and court journal "
           "entries), {t}\n  root: [bold]{r}[/]",
           n=s.id, k=s.size, t=moment_text(s.sealed_at, court_tz(rt)), r=s.root))
    if s.signed:
        say(tr("  ditandatangani kunci pengadilan {k}", "  signed with the court's key {k}",
               k=s.signed_with))
    else:
        say(tr("  [yellow]tidak ditandatangani[/]: SOP_SIGNING_KEY belum diisi (sop seal key)",
               "  [yellow]not signed[/]: SOP_SIGNING_KEY is not set (sop seal key)"))


def _seal_json(s: Any) -> dict[str, Any]:
    return {"seal_id": s.id, "sealed_at": s.sealed_at.isoformat(), "kind": s.kind,
            "size": s.size, "journals": s.journals, "root": s.root, "sealed_by": s.sealed_by,
            "note": s.note, "court": s.court, "signature": s.signature,
            "signed_with": s.signed_with}


def tell_seals(found: SealCheck) -> bool:
    """Say what checking the seals found: the first break, or how many seals match (whether
    anything was said: nothing when there is no seal and no break)."""
    from rich.markup import escape

    from sop_runtime.cli.common import say

    b = found.first_break
    if b is not None:
        say(stderr=True, message=tr(
            "[bold red]✗ Segel dilanggar[/] ({w}): {m}", "[bold red]✗ Seal broken[/] ({w}): {m}",
            w=b.what, m=escape(b.message)))
    elif found.seals:
        say(tr("[bold green]✓[/] {n} segel cocok dengan log",
               "[bold green]✓[/] {n} seals match the log", n=found.seals))
        if found.signed:
            say(tr("[bold green]✓[/] tanda tangan {n} segel sah (kunci SOP_SIGNING_KEY)",
                   "[bold green]✓[/] the signatures of {n} seals hold (the SOP_SIGNING_KEY "
                   "key)", n=found.signed))
        if found.not_checked:
            say(tr("  {n} segel bertanda tangan tidak diperiksa di sini (kunci lain, atau "
                   "SOP_SIGNING_KEY tidak diisi)",
                   "  {n} signed seals not checked here (another key, or SOP_SIGNING_KEY not "
                   "set)", n=found.not_checked))
    return b is not None or bool(found.seals)


@seal_app.command("check")
def check(
    quick: Annotated[bool, typer.Option(
        "--quick", help="Hanya akar dan konsistensi setiap segel dari simpul tersimpan, tanpa "
                        "membaca ulang riwayat yang disegel / only each seal's root and "
                        "consistency from the stored nodes, without reading the sealed "
                        "history again")] = False,
    as_json: opt.Json = False,
) -> None:
    """Periksa setiap segel terhadap log / check every seal against the log."""

    from sop_runtime.cli.common import Exit, print_json, say
    from sop_runtime.service import seals

    found = seals.check(runtime(), full=not quick)
    b = found.first_break
    if as_json:
        print_json({"ok": found.ok, "checked": found.seals, "full": not quick,
                    "signatures_held": found.signed, "signed_not_checked": found.not_checked,
                    "unsigned": found.unsigned, "first_break": None if b is None else {
                        "seal_id": b.seal_id, "case_id": b.case_id, "seq": b.seq,
                        "what": b.what, "message": b.message}})
    elif not tell_seals(found):
        say(tr("Belum ada segel.", "No seals yet."))
    raise typer.Exit(int(Exit.OK if found.ok else Exit.PROBLEMS))


@seal_app.command("list")
def list_seals(as_json: opt.Json = False) -> None:
    """Daftar segel / the seals."""
    from sop_runtime.cli.common import print_json, say, table_console
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import seals
    from sop_runtime.wording import moment_text

    rt = runtime()
    rows = seals.seals_list(rt)
    if as_json:
        print_json([_seal_json(s) for s in rows])
        return
    if not rows:
        say(tr("Belum ada segel.", "No seals yet."))
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.service.letterhead import staff_names

    tz = court_tz(rt)
    who = staff_names(rt)
    table = Table(title=tr("Segel log", "Log seals"))
    for col in ("#", tr("Waktu", "When"), tr("Oleh", "By"), tr("Entri log", "Log entries"),
                tr("Akar", "Root"), tr("Kunci penanda tangan", "Signing key"),
                tr("Keterangan", "Note")):
        table.add_column(col)
    for s in rows:
        table.add_row(str(s.id), moment_text(s.sealed_at, tz), escape(who.user(s.sealed_by)),
                      str(s.size) + (tr(" (kepala perkara)", " (case heads)")
                                     if s.kind == "heads" else ""),
                      s.root, s.signed_with if s.signed else tr("tidak ditandatangani",
                                                                "not signed"),
                      escape(s.note or ""))
    table_console().print(table)


@seal_app.command("proof")
def proof(
    case: opt.Case,
    seal_id: Annotated[int | None, typer.Option(
        "--seal", metavar="N", min=1, max=10**12,
        help="Segel ini (bawaan: yang terbaru) / this seal")] = None,
    seq: Annotated[int | None, typer.Option(
        "--seq", metavar="Q", min=1, max=10**9,
        help="Peristiwa ini (bawaan: yang terakhir disegel) / this event (default: the "
             "newest sealed)")] = None,
) -> None:
    """Bukti bahwa perkara (atau satu peristiwanya) tercakup segel (JSON) / proof that a
    case (or one of its events) is in a seal (JSON)."""
    from sop_runtime.cli.common import print_json
    from sop_runtime.service import seals

    print_json(seals.proof(runtime(), case, seal_id, seq=seq))


@seal_app.command("entri")
def entry(position: Annotated[int, typer.Argument(
        metavar="POSISI", min=0, max=10**12,
        help="Posisi di pohon log (0 = entri pertama), mis. yang disebut saksi / the position "
             "in the log tree (0 = the first entry), e.g. one a witness named")]) -> None:
    """Entri pada suatu posisi pohon log / the entry at a position of the log tree."""
    from sop_runtime.cli.common import say
    from sop_runtime.service.witness import entry_at

    e = entry_at(runtime(), position)
    if e.journal:
        say(tr("Posisi {p}: jurnal {c}, entri #{q}\n  hash: {h}",
               "Position {p}: journal {c}, entry #{q}\n  hash: {h}", p=position, c=e.case_id,
               q=e.seq, h=e.hash))
    else:
        say(tr("Posisi {p}: perkara {c}, peristiwa #{q}\n  hash: {h}",
               "Position {p}: case {c}, event #{q}\n  hash: {h}", p=position, c=e.case_id,
               q=e.seq, h=e.hash))


MAX_PROOF_BYTES = 64 * 1024
"""A proof is a few KB (a leaf, a root and at most 64 path hashes of 64 hex digits)."""


@seal_app.command("check-proof")
def check_proof(
    file: Annotated[Path, typer.Argument(metavar="FILE", help="Berkas bukti / proof file")],
    root: Annotated[str | None, typer.Option(
        "--root", metavar="HEX",
        help="Akar yang tercetak pada laporan yang ditandatangani / the root printed on the "
             "signed report")] = None,
) -> None:
    """Periksa bukti tanpa basis data / check a proof without the database."""
    from sop_runtime.cli.common import Exit, fail, say
    from sop_runtime.service.seals import proof_holds

    if root is not None and not re.fullmatch(r"[0-9a-fA-F]{64}", root.strip()):
        fail(tr("--root '{r}' bukan akar segel (64 digit heksadesimal)",
                "--root '{r}' is not a seal's root (64 hexadecimal digits)", r=root[:80]),
             Exit.USAGE)
    data = _read_proof(file)
    if not proof_holds(data, root.strip() if root else None):
        fail(tr("✗ Bukti TIDAK sah", "✗ The proof does NOT hold"), Exit.PROBLEMS)
    say(tr("[bold green]✓[/] Bukti sah: perkara {c} urutan {q} tercakup segel #{n} (akar {r})",
           "[bold green]✓[/] The proof holds: case {c} seq {q} is in seal #{n} (root {r})",
           c=data["leaf"]["case_id"], q=data["leaf"]["seq"], n=data["seal_id"],
           r=data["root"]))


def _read_proof(file: Path, *, head: bool = False) -> dict[str, Any]:
    """The proof in ``file`` as ``sop seal proof`` writes it (``head``: a head as ``sop seal
    export`` writes it): a JSON object in a regular file of at most
    :data:`MAX_PROOF_BYTES`. Anything else (a device such as /dev/zero, a FIFO, a folder, a
    big file, text that is not JSON) is refused with exit 2, read no further than the
    bound."""
    from sop_runtime.cli.common import Exit, fail

    def refuse(why: object) -> NoReturn:
        fail(tr("Kepala segel {f} tidak dapat dibaca: {e}", "Cannot read seal head {f}: {e}",
                f=file, e=why) if head else tr("Bukti {f} tidak dapat dibaca: {e}",
                                               "Cannot read proof {f}: {e}", f=file, e=why),
             Exit.USAGE)

    try:
        found = file.stat()
    except OSError as exc:
        refuse(exc.strerror or exc)
    if not stat.S_ISREG(found.st_mode):
        refuse(tr("bukan berkas biasa", "not a regular file"))
    too_big = tr("lebih dari {n} KB; bukti hanya beberapa KB",
                 "over {n} KB; a proof is a few KB", n=MAX_PROOF_BYTES // 1024)
    if found.st_size > MAX_PROOF_BYTES:
        refuse(too_big)
    try:
        with file.open("rb") as f:
            raw = f.read(MAX_PROOF_BYTES + 1)
    except OSError as exc:
        refuse(exc.strerror or exc)
    if len(raw) > MAX_PROOF_BYTES:  # grew since it was looked at
        refuse(too_big)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        refuse(tr("bukan JSON ({e})", "not JSON ({e})", e=exc))
    except RecursionError:  # 64 KB of brackets nest deeper than the parser goes
        refuse(tr("JSON bersarang terlalu dalam; bukti segel hanya dua tingkat",
                  "JSON nested too deep; a seal proof has two levels"))
    if not isinstance(data, dict):
        refuse(tr("bukan objek JSON bukti segel", "not a seal proof's JSON object"))
    return data


@seal_app.command("key")
def key(
    path: Annotated[Path | None, typer.Argument(
        metavar="[PATH]", help="Buat kunci baru di sini / make a new key here")] = None,
    as_json: opt.Json = False,
) -> None:
    """Kunci penanda tangan segel (Ed25519): buat yang baru di PATH, atau tampilkan kunci
    publik dari SOP_SIGNING_KEY untuk para saksi / the seals' signing key (Ed25519): make a
    new one at PATH, or show the public key of SOP_SIGNING_KEY for the witnesses."""
    from sop_runtime.audit.signing import KEY_ENV, configured_key, new_key, public_text
    from sop_runtime.cli.common import fail, print_json, say

    if path is not None:
        made = new_key(path)
        where = str(path.resolve())
    else:
        found = configured_key()
        if found is None:
            fail(tr("{env} belum diisi: jalur berkas kunci penanda tangan (buat dengan "
                    "'sop seal key PATH')",
                    "{env} is not set: the path of the signing key file (make one with "
                    "'sop seal key PATH')", env=KEY_ENV))
        made, where = found, str(Path(os.environ[KEY_ENV]).expanduser().resolve())
    public = public_text(made.public)
    if as_json:
        print_json({"key_id": made.id, "public_key": public, "path": where})
        return
    if path is not None:
        say(tr("[bold green]✓[/] Kunci penanda tangan baru di {p} (hanya pemiliknya yang dapat "
               "membaca). Simpan salinannya di tempat aman, di luar server; atur {env}={p}.",
               "[bold green]✓[/] New signing key at {p} (readable by its owner only). Keep a "
               "copy somewhere safe, off the server; set {env}={p}.", p=where, env=KEY_ENV))
    say(tr("Kunci {i}. Kunci publik untuk para saksi (Pengadilan Tinggi, laman pengadilan):\n"
           "  [bold]{k}[/]",
           "Key {i}. The public key for the witnesses (the High Court, the court's website):\n"
           "  [bold]{k}[/]", i=made.id, k=public))


@seal_app.command("export")
def export(
    seal_id: Annotated[int | None, typer.Option(
        "--seal", metavar="N", min=1, max=10**12,
        help="Segel ini (bawaan: yang terbaru yang ditandatangani) / this seal (default: the "
             "newest signed one)")] = None,
    since: Annotated[Path | None, typer.Option(
        "--dari", metavar="OLD.json",
        help="Kepala yang dipegang saksi: sertakan bukti konsistensi darinya / the head the "
             "witness holds: include the consistency proof from it")] = None,
    text: Annotated[bool, typer.Option(
        "--teks", help="Teks pendek untuk laporan Ketua, bukan JSON / the short text for the "
                       "Ketua's report, not JSON")] = False,
    qr: Annotated[Path | None, typer.Option(
        "--qr", metavar="FILE.svg|FILE.png",
        help="Tulis juga kode QR kepala (JSON-nya) / also write the head's QR code (its "
             "JSON)")] = None,
) -> None:
    """Kepala pohon yang ditandatangani, untuk saksi (JSON, atau teks pendek untuk laporan
    Ketua) / the signed tree head, for a witness (JSON, or the short text for the Ketua's
    report)."""
    from sop_runtime.cli.common import Exit, fail, print_json, say
    from sop_runtime.service import seals

    if qr is not None and qr.suffix.lower() not in (".svg", ".png"):
        fail(tr("--qr {f}: akhiran harus .svg atau .png", "--qr {f}: the suffix must be .svg "
                "or .png", f=qr), Exit.USAGE)
    old = None if since is None else read_head(since)
    rt = runtime()
    made = seals.export(rt, seal_id, since=None if old is None else old.head.size)
    if qr is not None:
        _write_qr(qr, made.compact())
    if not text:
        print_json(made.as_json())
        return
    from rich.markup import escape

    from sop_runtime.cli.times import court_tz

    for line in made.lines(court_tz(rt)):
        say(escape(line))
    if qr is not None:
        say(tr("Kode QR kepala ini: {f}", "The QR code of this head: {f}", f=qr))


def _write_qr(path: Path, data: str) -> None:
    """The head's QR code (level M, as on the report) to ``path``, SVG or PNG by its suffix;
    refused with exit 2 when it cannot be written."""
    import segno

    from sop_runtime.cli.common import Exit, fail

    try:
        segno.make(data, error="m").save(str(path), scale=8 if path.suffix.lower() == ".png"
                                         else 1, border=4)
    except OSError as exc:
        fail(tr("{f} tidak dapat ditulis: {e}", "cannot write {f}: {e}", f=path,
                e=exc.strerror or exc), Exit.USAGE)


@seal_app.command("check-consistency")
def check_consistency(
    old: Annotated[Path, typer.Argument(metavar="OLD.json", help="Kepala yang dipegang / the "
                                                                  "head held")],
    new: Annotated[Path, typer.Argument(metavar="NEW.json", help="Kepala yang lebih baru / "
                                                                  "the later head")],
    public_key: Annotated[str | None, typer.Option(
        "--public-key", metavar="BASE64",
        help="Kunci publik pengadilan (bawaan: dari SOP_SIGNING_KEY) / the court's public key "
             "(default: from SOP_SIGNING_KEY)")] = None,
) -> None:
    """Periksa tanpa basis data bahwa kepala baru memperluas yang lama, keduanya
    ditandatangani kunci pengadilan / check without the database that the new head extends
    the old one, both signed by the court's key."""
    from sop_runtime.audit.heads import check_consistency as check
    from sop_runtime.audit.signing import KEY_ENV, key_id
    from sop_runtime.cli.common import Exit, fail, say

    public, unusable = public_key_at_hand(public_key)
    if public is None:
        fail(tr("Kunci publik pengadilan belum diberikan: --public-key, atau {env}{e}",
                "The court's public key is not given: --public-key, or {env}{e}",
                env=KEY_ENV, e=f" ({unusable})" if unusable else ""), Exit.USAGE)
    held, later = read_head(old), read_head(new)
    problems = check(held, later, public)
    if problems:
        fail(tr("✗ {p}", "✗ {p}", p="; ".join(problems)), Exit.PROBLEMS)
    say(tr("[bold green]✓[/] Segel #{b} ({m} entri) memperluas segel #{a} ({n} entri); "
           "keduanya ditandatangani kunci {k}",
           "[bold green]✓[/] Seal #{b} ({m} entries) extends seal #{a} ({n} entries); both "
           "signed with the key {k}", a=held.seal_id, n=held.head.size, b=later.seal_id,
           m=later.head.size, k=key_id(public)))  # the key checked, not the one the file names


def read_head(file: Path) -> SignedHead:
    """The signed head in ``file`` as ``sop seal export`` writes it (exit 2 otherwise)."""
    from sop_runtime.audit.heads import parse

    return parse(_read_proof(file, head=True), str(file))


def public_key_at_hand(given: str | None) -> tuple[bytes | None, str | None]:
    """The court's public key to check with: ``--public-key`` (exit 2 when it is none), or
    the public half of SOP_SIGNING_KEY's; and why SOP_SIGNING_KEY could not be used, when it
    could not (checking needs only the public half: the caller goes on without it)."""
    from sop_runtime.audit.signing import SigningKeyError, configured_key, public_from_text
    from sop_runtime.cli.common import Exit, fail

    if given is not None:
        try:
            return public_from_text(given), None
        except SigningKeyError as exc:  # a bad argument, like any other
            fail(f"--public-key: {exc}", Exit.USAGE)
    try:
        found = configured_key()
    except SigningKeyError as exc:
        return None, str(exc)
    return (None if found is None else found.public), None
